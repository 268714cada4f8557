// bzzz peer: run a peer in the foreground (servers, always-on and bootstrap nodes, tests).
import type { Command } from 'commander'
import type { ConfigInput } from '../../../src-shared/config.ts'
import { BzzzError } from '../../../src-shared/errors.ts'
import { mergeLayers, parseCliValue } from '../../core/config/keys.ts'
import { configFromPairs, loadConfig } from '../../core/config/manager.ts'
import { dataDirOf, type DataDirOptions } from '../context.ts'
import { startHeadlessPeer } from '../headless-peer.ts'
import { readPassphrase } from '../passphrase.ts'
import { Vault } from '../../core/vault/vault.ts'

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value]
}

function hostPort(value: string): { host: string; port: number } {
  const m = /^(\[[0-9a-fA-F:]+\]|[^:]+):(\d{1,5})$/.exec(value)
  if (m === null || Number(m[2]) > 65535) throw new BzzzError('invalid_input', `--api expects HOST:PORT (e.g. 127.0.0.1:7450), not '${value}'`)
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port: Number(m[2]) }
}

interface PeerFlags extends DataDirOptions {
  listen?: string[]
  bootstrap?: string[]
  api?: string
  relay?: boolean
  mdns?: boolean
  locked?: boolean
  logLevel?: string
  set?: string[]
}

/** `--set KEY=VALUE` (VALUE as JSON when it parses, else text). */
function keyValue(pair: string): [string, unknown] {
  const eq = pair.indexOf('=')
  if (eq <= 0) throw new BzzzError('invalid_input', `--set expects KEY=VALUE (e.g. cache.entries=500), not '${pair}'`)
  return [pair.slice(0, eq), parseCliValue(pair.slice(eq + 1))]
}

/** The flag layer of the configuration: --set pairs first, the dedicated flags over them. */
function flagLayer(opts: PeerFlags): ConfigInput {
  const api = opts.api === undefined ? undefined : hostPort(opts.api)
  return mergeLayers(configFromPairs((opts.set ?? []).map(keyValue)), {
    ...(opts.listen === undefined ? {} : { listen: opts.listen }),
    ...(opts.bootstrap === undefined ? {} : { bootstrap: opts.bootstrap }),
    ...(api === undefined ? {} : { api }),
    ...(opts.relay ? { relay: true } : {}),
    ...(opts.mdns === false ? { mdns: false } : {}),
    ...(opts.logLevel === undefined ? {} : { logLevel: opts.logLevel as ConfigInput['logLevel'] }),
  })
}

export function registerPeer(program: Command): void {
  program
    .command('peer')
    .description('run this member\'s peer in the foreground: network, DHT, gossip and the local HTTP API (JSON log lines on stdout)')
    .option('--listen <multiaddr>', 'listen address (repeatable; default /ip4/0.0.0.0/tcp/0)', collect)
    .option('--bootstrap <multiaddr>', 'peer to connect to at start (repeatable)', collect)
    .option('--api <host:port>', 'HTTP API address (default 127.0.0.1 on a free port)')
    .option('--relay', 'serve as a circuit-relay hop for members that cannot reach each other directly')
    .option('--no-mdns', 'do not look for peers on the local network')
    .option('--locked', 'start without unlocking the vault: serve the network, but do not read or sign')
    .option('--log-level <level>', 'trace, debug, info, warn or error')
    .option('--set <key=value>', 'any setting (repeatable), e.g. --set cache.entries=500; flags win over BZZZ_* variables and DIR/config.json', collect)
    .action(async (opts: PeerFlags) => {
      const dataDir = dataDirOf(opts)
      const overrides = flagLayer(opts)
      // The whole configuration is checked before the passphrase is asked for: a bad value is one line, no start.
      await loadConfig({ dataDir, env: process.env, flags: overrides })
      const passphrase = !opts.locked && (await Vault.exists(dataDir)) ? await readPassphrase(opts) : undefined
      const running = await startHeadlessPeer({
        dataDir,
        overrides,
        env: process.env,
        ...(passphrase === undefined ? {} : { passphrase }),
      })
      await new Promise<void>((resolve) => {
        const stop = (signal: string) => {
          running.peer.log('info', 'stopping', { signal })
          void running.stop().then(resolve)
        }
        process.once('SIGINT', () => stop('SIGINT'))
        process.once('SIGTERM', () => stop('SIGTERM'))
      })
    })
}
