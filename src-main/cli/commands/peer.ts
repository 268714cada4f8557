// bzzz peer: run a peer in the foreground (servers, always-on and bootstrap nodes, tests).
import type { Command } from 'commander'
import { BzzzError } from '../../../src-shared/errors.ts'
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
    .action(async (opts: PeerFlags) => {
      const dataDir = dataDirOf(opts)
      const api = opts.api === undefined ? undefined : hostPort(opts.api)
      const passphrase = !opts.locked && (await Vault.exists(dataDir)) ? await readPassphrase(opts) : undefined
      const running = await startHeadlessPeer({
        dataDir,
        overrides: {
          ...(opts.listen === undefined ? {} : { listen: opts.listen }),
          ...(opts.bootstrap === undefined ? {} : { bootstrap: opts.bootstrap }),
          ...(api === undefined ? {} : { api }),
          ...(opts.relay ? { relay: true } : {}),
          ...(opts.mdns === false ? { mdns: false } : {}),
        },
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
