// The peer's whole network API in one call: the HTTP transport of the contract with the rate limiter and the audit of
// token failures, the WebSocket at /api/events, GET /metrics (token) and GET /ready (public) — what `bzzz peer` serves.
// The limiter, the auth audit and the metrics are shared by every transport on this server; other adapters mounted
// as extra routes (MCP over HTTP, GraphQL) can be handed the same instances through the options.
import type { HandlerTable } from '../core/handlers/types.ts'
import type { Logger, Peer } from '../core/peer.ts'
import { AuthFailureAudit } from './auth-audit.ts'
import { startHttpApi, type ExtraRoute, type HttpApiHandle, type HttpLog } from './http/server.ts'
import { integrationRoutes } from './integration-routes.ts'
import { PeerMetrics } from './metrics.ts'
import { RateLimiter, rateLimitsFromConfig } from './rate-limit.ts'
import { readyRoute } from './ready.ts'
import { attachEventSocket, type EventSocketHandle, type EventSocketLimits } from './ws/event-socket.ts'

export interface ApiServerOptions {
  peer: Peer
  host: string
  port: number
  token: string
  /** One line per HTTP request (see server.ts). */
  log?: HttpLog
  /** Structured log for the WebSocket and the audit writer; default the peer's. */
  logger?: Logger
  extraRoutes?: ExtraRoute[]
  handlers?: HandlerTable
  /** Shared by HTTP and WebSocket (and any adapter given it). Default: from peer.config.rateLimits. */
  rateLimiter?: RateLimiter
  metrics?: PeerMetrics
  wsLimits?: Partial<EventSocketLimits>
}

export interface ApiServer extends HttpApiHandle {
  http: HttpApiHandle
  events: EventSocketHandle
  metrics: PeerMetrics
  rateLimiter: RateLimiter
  authFailures: AuthFailureAudit
}

export async function startApiServer(opts: ApiServerOptions): Promise<ApiServer> {
  const { peer } = opts
  const logger = opts.logger ?? peer.log
  const metrics = opts.metrics ?? new PeerMetrics(peer)
  const rateLimiter = opts.rateLimiter ?? new RateLimiter(() => rateLimitsFromConfig(peer.config.rateLimits), { onLimited: (bucket) => metrics.observeRateLimited(bucket) })
  const authFailures = new AuthFailureAudit(peer.audit, { log: logger })
  let http: HttpApiHandle
  try {
    http = await startHttpApi({
      peer,
      host: opts.host,
      port: opts.port,
      token: opts.token,
      ...(opts.log === undefined ? {} : { log: opts.log }),
      ...(opts.handlers === undefined ? {} : { handlers: opts.handlers }),
      extraRoutes: [
        metrics.route(),
        readyRoute(peer),
        // MCP (/api/mcp), GraphQL (/api/graphql), OpenAPI (/api/openapi.json): dispatch with the same limiter.
        ...integrationRoutes(peer, { rateLimiter, ...(opts.handlers === undefined ? {} : { handlers: opts.handlers }), ...(opts.log === undefined ? {} : { log: opts.log }) }),
        ...(opts.extraRoutes ?? []),
      ],
      rateLimiter,
      authFailures,
      onResponse: (r) => metrics.observeRequest('http', r.route, r.status, r.seconds),
    })
  } catch (err) {
    if (opts.metrics === undefined) metrics.close()
    await authFailures.close()
    throw err
  }
  const events = attachEventSocket({
    server: http.server,
    peer,
    token: opts.token,
    host: opts.host,
    rateLimiter,
    authFailures,
    log: logger,
    ...(opts.handlers === undefined ? {} : { handlers: opts.handlers }),
    ...(opts.wsLimits === undefined ? {} : { limits: opts.wsLimits }),
    onCall: (r) => metrics.observeRequest('ws', r.route, r.status, r.seconds),
    onDrop: (reason) => metrics.observeWsDropped(reason),
  })
  metrics.countWsClients(() => events.clients)

  let closing: Promise<void> | undefined
  return {
    url: http.url,
    port: http.port,
    server: http.server,
    http,
    events,
    metrics,
    rateLimiter,
    authFailures,
    close() {
      closing ??= (async () => {
        // Upgraded sockets keep the HTTP server from closing: the WebSocket goes first.
        await events.close()
        await http.close()
        await authFailures.close()
        if (opts.metrics === undefined) metrics.close()
      })()
      return closing
    },
  }
}
