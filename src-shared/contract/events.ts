// The one table of events a peer emits to its UI, WebSocket clients and GraphQL subscribers.
import { z } from 'zod'
import { headerSchema, roleSchema } from '../decisions.ts'
import { custodyRequestSchema } from '../governance.ts'
import { nodeStatusSchema, peerInfoSchema } from '../network.ts'
import type { Operation } from '../roles.ts'

export interface EventSpec<P extends z.ZodType = z.ZodType> {
  summary: string
  payload: P
  /**
   * Who may receive it: 'member' for every unlocked member, an Operation for the matrix, or 'audience' for events
   * about one decision (delivered with its title only to members who can read it; see `sealedView`).
   */
  visibility: 'member' | 'audience' | Operation
}

function event<P extends z.ZodType>(spec: EventSpec<P>): EventSpec<P> {
  return spec
}

export const events = {
  'node.status': event({ summary: "The local peer's status changed", payload: nodeStatusSchema, visibility: 'member' }),
  'decision.published': event({
    summary: 'A decision was published (here or elsewhere) and is now in the local index',
    payload: z.object({ header: headerSchema, title: z.string().optional(), local: z.boolean() }),
    visibility: 'audience',
  }),
  'peer.joined': event({ summary: 'A peer connected', payload: peerInfoSchema, visibility: 'member' }),
  'peer.left': event({ summary: 'A peer disconnected', payload: z.object({ peerId: z.string(), memberId: z.string().optional() }), visibility: 'member' }),
  'member.added': event({ summary: 'A member joined the roster', payload: z.object({ memberId: z.string(), name: z.string(), role: roleSchema, seq: z.number().int() }), visibility: 'member' }),
  'member.removed': event({ summary: 'A member was removed from the roster', payload: z.object({ memberId: z.string(), seq: z.number().int() }), visibility: 'member' }),
  'key.rotated': event({ summary: 'A role key or the admin key was rotated', payload: z.object({ key: roleSchema, keyId: z.string() }), visibility: 'member' }),
  'election.started': event({ summary: 'An election began', payload: z.object({ term: z.number().int(), candidate: z.string() }), visibility: 'member' }),
  'election.vote': event({ summary: 'A vote was cast', payload: z.object({ term: z.number().int(), voter: z.string(), candidate: z.string() }), visibility: 'member' }),
  'election.leader': event({ summary: 'An admin was elected and certified', payload: z.object({ term: z.number().int(), admin: z.string() }), visibility: 'member' }),
  'custody.request': event({ summary: 'A certified winner asks this custodian for its share', payload: custodyRequestSchema, visibility: 'member' }),
  'custody.shareReleased': event({ summary: 'A custodian released its share', payload: z.object({ requestId: z.string(), custodian: z.string(), winner: z.string(), term: z.number().int() }), visibility: 'member' }),
  'custody.progress': event({ summary: 'Recovery progress on the new admin', payload: z.object({ sessionId: z.string(), received: z.number().int(), needed: z.number().int(), badShares: z.array(z.object({ memberId: z.string(), reason: z.string() })) }), visibility: 'member' }),
  'custody.keyRecovered': event({ summary: 'The new admin rebuilt and verified the admin key', payload: z.object({ term: z.number().int(), admin: z.string() }), visibility: 'member' }),
} satisfies Record<string, EventSpec>

export type Events = typeof events
export type EventName = keyof Events
export type EventPayload<N extends EventName> = z.output<Events[N]['payload']>

export const EVENT_NAMES = Object.keys(events) as EventName[]

/** The envelope every transport uses for an event; a union over event names, so `type` narrows `payload`. */
export type EventMessage<N extends EventName = EventName> = N extends EventName ? { type: N; at: number; payload: EventPayload<N> } : never

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.hasOwn(events, name)
}
