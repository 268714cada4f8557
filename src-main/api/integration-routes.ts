// The routes the peer's HTTP API serves beside the contract routes, for integrations: MCP for AI agents (/api/mcp),
// GraphQL (/api/graphql) and the OpenAPI document (/api/openapi.json). MCP and GraphQL reach the core through
// dispatch() as the local member, with the server's rate limiter keyed by transport and remote address.
import type { HandlerTable } from '../core/handlers/types.ts'
import type { Peer } from '../core/peer.ts'
import { requestCaller } from './call-fn.ts'
import { graphqlRoute } from './graphql/http.ts'
import type { ExtraRoute, HttpLog } from './http/server.ts'
import { mcpHttpRoute } from './mcp/http.ts'
import { openApiRoute } from './openapi.ts'
import type { CallLimiter } from './rate-limit.ts'

export interface IntegrationRouteOptions {
  /** The limiter the contract routes use, so MCP and GraphQL calls count against the same per-minute limits. */
  rateLimiter?: CallLimiter
  handlers?: HandlerTable
  log?: HttpLog
}

export function integrationRoutes(peer: Peer, opts: IntegrationRouteOptions = {}): ExtraRoute[] {
  const callerOptions = {
    ...(opts.rateLimiter === undefined ? {} : { rateLimiter: opts.rateLimiter }),
    ...(opts.handlers === undefined ? {} : { handlers: opts.handlers }),
    onInternalError: (transport: string, name: string, err: unknown) =>
      opts.log?.({ level: 'error', transport, call: name, error: err instanceof Error ? `${err.name}: ${err.message}` : 'non-error thrown' }),
  }
  return [
    mcpHttpRoute(requestCaller(peer, 'mcp', callerOptions)),
    graphqlRoute({ peer, callFor: requestCaller(peer, 'graphql', callerOptions) }),
    openApiRoute(),
  ]
}
