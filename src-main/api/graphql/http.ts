// GraphQL at /api/graphql on the peer's API (graphql-yoga), mounted as an extra route of the HTTP server, so the
// bearer token is checked before anything here runs. Queries and mutations over POST (queries also over GET);
// subscriptions over Server-Sent Events (POST or GET with `Accept: text/event-stream`). No GraphiQL page (it would load
// scripts from a CDN and cannot send the token), no CORS (the peer's own UI is same-origin), no multipart uploads.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { createYoga, type Plugin } from 'graphql-yoga'
import { LIMITS } from '../../../src-shared/decisions.ts'
import { BzzzError } from '../../../src-shared/errors.ts'
import type { Peer } from '../../core/peer.ts'
import type { RequestCaller } from '../call-fn.ts'
import { filterEventFor } from '../event-filter.ts'
import { originAllowed } from '../http/origin.ts'
import type { ExtraRoute } from '../http/server.ts'
import type { EventSource } from './events.ts'
import { costLimitRule, depthLimitRule } from './limits.ts'
import { contractSchema, type GraphQLContext } from './schema.ts'

export const GRAPHQL_PATH = '/api/graphql'

interface NodeContext {
  req: IncomingMessage
  res: ServerResponse
}

const limits: Plugin = {
  onValidate({ addValidationRule }) {
    addValidationRule(depthLimitRule())
    addValidationRule(costLimitRule())
  },
}

export interface GraphqlRouteOptions {
  peer: Peer
  callFor: RequestCaller
}

export function graphqlRoute(opts: GraphqlRouteOptions): ExtraRoute {
  const events: EventSource = {
    subscribe: (listener) => opts.peer.events.subscribe(listener),
    filter: (message) => filterEventFor(opts.peer, message),
  }
  const yoga = createYoga<NodeContext, GraphQLContext>({
    schema: contractSchema(),
    graphqlEndpoint: GRAPHQL_PATH,
    context: ({ req }) => ({ call: opts.callFor(req), events }),
    plugins: [limits],
    graphiql: false,
    landingPage: false,
    cors: false,
    multipart: false,
    logging: false,
    maskedErrors: true,
    maxRequestBodySize: LIMITS.requestBytes,
  })
  return {
    prefix: GRAPHQL_PATH,
    async handle(req, res) {
      const path = (req.url ?? '').split('?', 1)[0]!
      if (path !== GRAPHQL_PATH) throw new BzzzError('not_found', `no route for ${req.method ?? 'GET'} ${path.slice(0, 200)}; GraphQL is served at ${GRAPHQL_PATH}`)
      if (!originAllowed(req)) throw new BzzzError('forbidden', `Origin '${String(req.headers.origin).slice(0, 100)}' may not use this API`)
      await yoga.requestListener(req, res)
    },
  }
}
