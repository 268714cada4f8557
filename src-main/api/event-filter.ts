// What of the core's events the local member may see, for every transport that streams them (WebSocket, IPC,
// GraphQL subscriptions). Decided at delivery time from the peer's current session, so a lock or a role change takes
// effect with the next event:
// - vault locked or absent: only `node.status` (what the open `node.status` call would answer anyway);
// - visibility 'member': every unlocked member;
// - visibility 'audience' (events about one decision): delivered, but the title only to a member who may read the
//   decision's audience (`mayRead`); the header itself is public to members;
// - visibility an Operation: only when the matrix does not say 'no' for the member's role ('partial' passes).
import { events, isEventName, type EventMessage, type EventName, type EventSpec } from '../../src-shared/contract/events.ts'
import { isRole, mayRead, PERMISSION_MATRIX, type Role } from '../../src-shared/roles.ts'
import type { Peer } from '../core/peer.ts'

/** The viewer of an event stream: the unlocked member's role, or undefined while the vault is locked or absent. */
export type Viewer = { role: Role } | undefined

type VisibilityOf = (type: EventName) => EventSpec['visibility']

/** The message as `viewer` may receive it, or undefined when it must not be delivered at all. */
export function filterEvent(message: EventMessage, viewer: Viewer, visibilityOf: VisibilityOf = (type) => events[type].visibility): EventMessage | undefined {
  if (!isEventName(message.type)) return undefined
  if (viewer === undefined) return message.type === 'node.status' ? message : undefined
  const visibility = visibilityOf(message.type)
  if (visibility === 'member') return message
  if (visibility === 'audience') return withReadableTitle(message, viewer.role)
  return PERMISSION_MATRIX[visibility][viewer.role] === 'no' ? undefined : message
}

/** The event filter with the peer's current member as the viewer. */
export function filterEventFor(peer: Peer, message: EventMessage): EventMessage | undefined {
  const session = peer.sessionOrUndefined
  return filterEvent(message, session === undefined ? undefined : { role: session.role })
}

function withReadableTitle(message: EventMessage, role: Role): EventMessage | undefined {
  const payload = message.payload as { header?: { audience?: unknown }; title?: unknown }
  const audience = payload.header?.audience
  // An audience event without an audience cannot be judged: it is not delivered.
  if (!isRole(audience)) return undefined
  if (payload.title === undefined || mayRead(role, audience).allowed) return message
  const { title: _title, ...rest } = payload
  return { ...message, payload: rest } as EventMessage
}
