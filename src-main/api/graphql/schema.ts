// The GraphQL schema, derived from the contract and never written by hand:
// - every call is a root field named after it ('decisions.list' -> decisionsList): calls whose HTTP route is GET are
//   queries, the others mutations; the arguments are the input schema's fields, the type the output schema's;
// - every event is a subscription field ('decision.published' -> decisionPublished) yielding { type, at, payload }
//   with the payload typed from the event's schema, and `events(types: [...])` streams several kinds at once.
// Resolvers only run the call through the request's CallFn (dispatch: validation, permission check as the local
// member); a BzzzError becomes a GraphQL error with the contract's code in extensions.code.
import {
  GraphQLEnumType,
  GraphQLError,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLSchema,
  GraphQLString,
  GraphQLUnionType,
  type GraphQLFieldConfigMap,
} from 'graphql'
import { calls, CALL_NAMES, type CallName, type CallSpec } from '../../../src-shared/contract/calls.ts'
import { events, EVENT_NAMES, type EventMessage, type EventName } from '../../../src-shared/contract/events.ts'
import { toErrorBody } from '../../../src-shared/errors.ts'
import type { CallFn } from '../call-fn.ts'
import { camelName, pascalName, toJsonSchema } from '../schema/json-schema.ts'
import { eventStream, type EventSource } from './events.ts'
import { SafeIntScalar, TypeBuilder } from './types.ts'

export interface GraphQLContext {
  call: CallFn
  events: EventSource
}

/** A call's failure as a GraphQL error: the contract's message, its code (and retryAfter) in extensions. */
export function toGraphQLError(err: unknown): GraphQLError {
  if (err instanceof GraphQLError) return err
  // No originalError: the server masks errors caused by anything but a GraphQLError, and this one is meant to be seen.
  const body = toErrorBody(err)
  return new GraphQLError(body.message, { extensions: { code: body.code, ...(body.retryAfter === undefined ? {} : { retryAfter: body.retryAfter }) } })
}

/** GraphQL passes explicit nulls for omitted optional arguments; the contract's schemas know only absence. */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls)
  if (typeof value !== 'object' || value === null) return value
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(value)) if (v !== null && v !== undefined) out[k] = withoutNulls(v)
  return out
}

function callFields(builder: TypeBuilder, kind: 'query' | 'mutation'): GraphQLFieldConfigMap<unknown, GraphQLContext> {
  const fields: GraphQLFieldConfigMap<unknown, GraphQLContext> = {}
  for (const name of CALL_NAMES) {
    const spec = calls[name] as CallSpec
    if ((spec.http.method === 'GET') !== (kind === 'query')) continue
    const input = toJsonSchema(spec.input, 'input')
    const output = toJsonSchema(spec.output, 'output')
    fields[camelName(name)] = {
      description: `${spec.summary}. Contract call '${name}' (${spec.http.method} ${spec.http.path}).`,
      args: builder.args(input, input.$defs, `${pascalName(name)}Args`),
      type: new GraphQLNonNull(builder.output(output, output.$defs, `${pascalName(name)}Result`)),
      resolve: async (_source, args: Record<string, unknown>, ctx) => {
        try {
          return await ctx.call(name as CallName, withoutNulls(args))
        } catch (err) {
          throw toGraphQLError(err)
        }
      },
    }
  }
  return fields
}

function subscriptionFields(builder: TypeBuilder): GraphQLFieldConfigMap<unknown, GraphQLContext> {
  const eventTypes = new Map<EventName, GraphQLObjectType>()
  for (const name of EVENT_NAMES) {
    const payload = toJsonSchema(events[name].payload, 'output')
    const payloadType = builder.output(payload, payload.$defs, `${pascalName(name)}Payload`)
    eventTypes.set(
      name,
      new GraphQLObjectType({
        name: `${pascalName(name)}Event`,
        description: events[name].summary,
        fields: {
          type: { type: new GraphQLNonNull(GraphQLString), description: `Always '${name}'` },
          at: { type: new GraphQLNonNull(SafeIntScalar), description: 'When the peer emitted it (ms since the epoch)' },
          payload: { type: new GraphQLNonNull(payloadType) },
        },
      }),
    )
  }
  const eventName = new GraphQLEnumType({
    name: 'EventType',
    values: Object.fromEntries(EVENT_NAMES.map((n) => [camelName(n), { value: n, description: events[n].summary }])),
  })
  const anyEvent = new GraphQLUnionType({
    name: 'Event',
    types: [...eventTypes.values()],
    resolveType: (message: unknown) => eventTypes.get((message as EventMessage).type)?.name,
  })
  const fields: GraphQLFieldConfigMap<unknown, GraphQLContext> = {
    events: {
      description: 'Several kinds of events in one stream (all when `types` is omitted), as the local member may see them',
      type: new GraphQLNonNull(anyEvent),
      args: { types: { type: new GraphQLList(new GraphQLNonNull(eventName)) } },
      subscribe: (_source, args: { types?: EventName[] | null }, ctx) => eventStream(ctx.events, args.types ? new Set(args.types) : undefined),
      resolve: (message: unknown) => message,
    },
  }
  for (const [name, type] of eventTypes) {
    fields[camelName(name)] = {
      description: `${events[name].summary} (only what the local member may see)`,
      type: new GraphQLNonNull(type),
      subscribe: (_source, _args, ctx) => eventStream(ctx.events, new Set([name])),
      resolve: (message: unknown) => message,
    }
  }
  return fields
}

/** Builds the schema from the contract (pure; the same contract always gives the same schema). */
export function buildContractSchema(): GraphQLSchema {
  const builder = new TypeBuilder()
  return new GraphQLSchema({
    query: new GraphQLObjectType({ name: 'Query', description: 'Contract calls that read (HTTP GET)', fields: callFields(builder, 'query') }),
    mutation: new GraphQLObjectType({ name: 'Mutation', description: 'Contract calls that change state', fields: callFields(builder, 'mutation') }),
    subscription: new GraphQLObjectType({ name: 'Subscription', description: 'The contract events', fields: subscriptionFields(builder) }),
  })
}

let cached: GraphQLSchema | undefined

/** The schema, built once per process. */
export function contractSchema(): GraphQLSchema {
  cached ??= buildContractSchema()
  return cached
}
