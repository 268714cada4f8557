import { describe, expect, it } from 'vitest'
import type { EventMessage } from '../../src-shared/contract/events.ts'
import type { DecisionHeader } from '../../src-shared/decisions.ts'
import type { Role } from '../../src-shared/roles.ts'
import { filterEvent } from './event-filter.ts'

const status: EventMessage = {
  type: 'node.status',
  at: 1,
  payload: { version: '0', state: 'running', vault: 'locked', listenAddrs: [], connectedPeers: 0, term: 0 },
}
const joined: EventMessage = { type: 'peer.joined', at: 1, payload: { peerId: 'p', isAdmin: false, addrs: [], relayed: false } }

function published(audience: Role, title?: string): EventMessage {
  const header: DecisionHeader = {
    address: `alice/architect/p/t/n1`,
    type: 'architectural',
    audience,
    author: 'alice',
    authorRole: 'architect',
    createdAt: 1,
    contentHash: '0'.repeat(64),
    size: 10,
  }
  return { type: 'decision.published', at: 1, payload: { header, local: false, ...(title === undefined ? {} : { title }) } }
}

describe('event filter', () => {
  it('delivers only node.status while the vault is locked', () => {
    expect(filterEvent(status, undefined)).toBe(status)
    expect(filterEvent(joined, undefined)).toBeUndefined()
    expect(filterEvent(published('observer', 'T'), undefined)).toBeUndefined()
  })

  it('delivers member events to every unlocked member', () => {
    for (const role of ['observer', 'backend_dev', 'architect', 'admin'] as const) {
      expect(filterEvent(joined, { role })).toBe(joined)
      expect(filterEvent(status, { role })).toBe(status)
    }
  })

  it('keeps a title only for members who may read the audience; the header always stays', () => {
    const architectOnly = published('architect', 'Secret plan')
    const stripped = filterEvent(architectOnly, { role: 'observer' })
    expect(stripped?.type).toBe('decision.published')
    expect(stripped?.payload).toEqual({ header: (architectOnly.payload as { header: unknown }).header, local: false })
    expect(JSON.stringify(stripped)).not.toContain('Secret plan')
    expect(filterEvent(architectOnly, { role: 'backend_dev' })?.payload).not.toHaveProperty('title')
    expect(filterEvent(architectOnly, { role: 'architect' })).toBe(architectOnly)
    expect(filterEvent(architectOnly, { role: 'admin' })).toBe(architectOnly)
    // backend_dev reads observer content (the role below it), not architect content.
    expect(filterEvent(published('observer', 'Open'), { role: 'backend_dev' })?.payload).toHaveProperty('title', 'Open')
    // The original message is not changed.
    expect(architectOnly.payload).toHaveProperty('title', 'Secret plan')
    // Without a title there is nothing to strip; without an audience the event cannot be judged.
    expect(filterEvent(published('admin'), { role: 'observer' })?.payload).not.toHaveProperty('title')
    const noAudience = { type: 'decision.published', at: 1, payload: { header: {}, title: 'x', local: false } } as unknown as EventMessage
    expect(filterEvent(noAudience, { role: 'admin' })).toBeUndefined()
  })

  it('delivers events guarded by an operation unless the matrix says no', () => {
    const debugOnly = () => 'debug_access' as const
    expect(filterEvent(joined, { role: 'observer' }, debugOnly)).toBeUndefined()
    expect(filterEvent(joined, { role: 'backend_dev' }, debugOnly)).toBe(joined) // partial passes
    expect(filterEvent(joined, { role: 'architect' }, debugOnly)).toBe(joined)
    expect(filterEvent(joined, { role: 'architect' }, () => 'key_management')).toBeUndefined()
    expect(filterEvent(joined, { role: 'admin' }, () => 'key_management')).toBe(joined)
  })

  it('drops unknown event types', () => {
    expect(filterEvent({ type: 'bogus', at: 1, payload: {} } as unknown as EventMessage, { role: 'admin' })).toBeUndefined()
  })
})
