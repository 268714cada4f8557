// The headless peer: the core, its network and its HTTP API in one foreground process, logging one JSON line per
// event, stopping cleanly on SIGINT/SIGTERM. Before onboarding (no vault) it serves the API only; once a network
// is created or joined through the API, it starts the network by itself.
import type { ConfigInput } from '../../src-shared/config.ts'
import { BzzzError } from '../../src-shared/errors.ts'
import { writeApiInfo, removeApiInfo } from '../api/http/api-info.ts'
import { startHttpApi, type ExtraRoute, type HttpApiHandle } from '../api/http/server.ts'
import { loadOrCreateApiToken } from '../api/token.ts'
import { readConfigFile, resolveConfig } from '../core/config/load.ts'
import { createLogger, eventLogFields } from '../core/log.ts'
import { Peer, type Logger } from '../core/peer.ts'

export interface HeadlessOptions {
  dataDir: string
  overrides: ConfigInput
  /** Unlock before starting (when a vault exists). Undefined leaves the vault locked: the peer serves the network only. */
  passphrase?: string
  logger?: Logger
  extraRoutes?: ExtraRoute[]
}

export interface HeadlessPeer {
  peer: Peer
  api: HttpApiHandle
  token: string
  stop(): Promise<void>
}

export async function startHeadlessPeer(opts: HeadlessOptions): Promise<HeadlessPeer> {
  const config = resolveConfig(await readConfigFile(opts.dataDir), opts.overrides)
  const log = opts.logger ?? createLogger(config.logLevel === 'trace' ? 'debug' : config.logLevel)
  const peer = await Peer.open({ dataDir: opts.dataDir, command: 'bzzz peer', config, logger: log })
  let api: HttpApiHandle | undefined
  try {
    if (opts.passphrase !== undefined && peer.vaultState === 'locked') await peer.unlock(opts.passphrase)
    const unsubscribe = peer.events.subscribe((message) => {
      log('info', message.type, eventLogFields(message))
      // Onboarding through the API (create or join) gives the peer a roster: start the network then.
      if (message.type === 'node.status' && peer.network === undefined && peer.roster.envelope !== undefined && message.payload.state === 'stopped' && message.payload.vault === 'unlocked') {
        void peer.start().catch((err: Error) => log('error', 'network failed to start', { error: err.message }))
      }
    })
    if (peer.roster.envelope !== undefined) await peer.start()
    const token = await loadOrCreateApiToken(opts.dataDir)
    api = await startHttpApi({
      peer,
      host: config.api.host,
      port: config.api.port,
      token,
      log: (line) => log('debug', 'http', line),
      ...(opts.extraRoutes === undefined ? {} : { extraRoutes: opts.extraRoutes }),
    })
    await writeApiInfo(opts.dataDir, { url: api.url, pid: process.pid })
    log('info', 'api listening', { url: api.url, tokenFile: `${opts.dataDir}/api-token` })
    const handle = api
    let stopping: Promise<void> | undefined
    return {
      peer,
      api: handle,
      token,
      stop: () => {
        stopping ??= (async () => {
          unsubscribe()
          await handle.close().catch(() => undefined)
          await removeApiInfo(opts.dataDir).catch(() => undefined)
          await peer.close()
          log('info', 'peer stopped')
        })()
        return stopping
      },
    }
  } catch (err) {
    await api?.close().catch(() => undefined)
    await peer.close().catch(() => undefined)
    if (err instanceof Error && /EADDRINUSE/.test(err.message)) throw new BzzzError('conflict', `the API port is in use (${config.api.host}:${config.api.port}); choose another with --api HOST:PORT`)
    throw err
  }
}
