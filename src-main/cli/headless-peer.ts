// The headless peer: the core, its network and its HTTP API in one foreground process, logging one JSON line per
// event, stopping cleanly on SIGINT/SIGTERM. Before onboarding (no vault) it serves the API only; once a network
// is created or joined through the API, it starts the network by itself.
import type { ConfigInput } from '../../src-shared/config.ts'
import { BzzzError } from '../../src-shared/errors.ts'
import { writeApiInfo, removeApiInfo } from '../api/http/api-info.ts'
import type { ExtraRoute } from '../api/http/server.ts'
import { uiRoute } from '../api/http/ui-route.ts'
import { startApiServer, type ApiServer } from '../api/serve.ts'
import { loadOrCreateApiToken } from '../api/token.ts'
import { loadConfig } from '../core/config/manager.ts'
import { createLogger, eventLogFields } from '../core/log.ts'
import { NetworkSupervisor } from '../core/network-supervisor.ts'
import { Peer, type Logger } from '../core/peer.ts'

export interface HeadlessOptions {
  dataDir: string
  /** Settings from flags: they win over the environment and DIR/config.json. */
  overrides: ConfigInput
  /** The environment whose BZZZ_* settings apply (bzzz peer passes process.env); none when absent. */
  env?: Record<string, string | undefined>
  /** Unlock before starting (when a vault exists). Undefined leaves the vault locked: the peer serves the network only. */
  passphrase?: string
  logger?: Logger
  extraRoutes?: ExtraRoute[]
  /** Serve the built UI (out/renderer) at '/' for a browser; default true. A directory serves another build. */
  ui?: boolean | { root: string }
}

export interface HeadlessPeer {
  peer: Peer
  /** The HTTP API with /api/events (WebSocket), /metrics and /ready; its limiter, auth audit and metrics. */
  api: ApiServer
  token: string
  stop(): Promise<void>
}

export async function startHeadlessPeer(opts: HeadlessOptions): Promise<HeadlessPeer> {
  const { config, overrides, unknownEnv } = await loadConfig({ dataDir: opts.dataDir, flags: opts.overrides, ...(opts.env === undefined ? {} : { env: opts.env }) })
  const log = opts.logger ?? createLogger(config.logLevel === 'trace' ? 'debug' : config.logLevel)
  if (unknownEnv.length > 0) log('warn', 'environment variables that name no setting are ignored', { variables: unknownEnv })
  const peer = await Peer.open({ dataDir: opts.dataDir, command: 'bzzz peer', config, configOverrides: overrides, logger: log })
  let api: ApiServer | undefined
  try {
    if (opts.passphrase !== undefined && peer.vaultState === 'locked') await peer.unlock(opts.passphrase)
    const unsubscribe = peer.events.subscribe((message) => log('info', message.type, eventLogFields(message)))
    // Starts the network now when the peer is in one, else once onboarding through the API (create or join) gave it
    // a roster; the desktop app uses the same supervisor.
    const supervisor = new NetworkSupervisor(peer, log)
    await supervisor.begin()
    const token = await loadOrCreateApiToken(opts.dataDir)
    api = await startApiServer({
      peer,
      host: config.api.host,
      port: config.api.port,
      token,
      log: (line) => log('debug', 'http', line),
      // The UI comes last: it serves every path outside /api that no other route claims.
      extraRoutes: [...(opts.extraRoutes ?? []), ...(opts.ui === false ? [] : [uiRoute(typeof opts.ui === 'object' ? { root: opts.ui.root } : {})])],
    })
    await writeApiInfo(opts.dataDir, { url: api.url, pid: process.pid })
    log('info', 'api listening', { url: api.url, tokenFile: `${opts.dataDir}/api-token` })
    // The token stays out of the log: the link to open is the URL plus '#token=' and the token file's contents.
    if (opts.ui !== false) log('info', 'ui', { url: `${api.url}/`, open: `${api.url}/#token=<contents of ${opts.dataDir}/api-token>` })
    const handle = api
    let stopping: Promise<void> | undefined
    return {
      peer,
      api: handle,
      token,
      stop: () => {
        stopping ??= (async () => {
          supervisor.dispose()
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
