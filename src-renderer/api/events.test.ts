// Events update or invalidate exactly the queries they concern, and raise notifications for what is in scope.
import { beforeEach, describe, expect, it } from 'vitest'
import { QueryClient } from '@tanstack/react-query'
import type { EventMessage } from '../../src-shared/contract/events.ts'
import type { NodeStatus } from '../../src-shared/network.ts'
import { useUi } from '../state/ui-store.ts'
import { applyEvent } from './events.ts'
import { keys } from './queries.ts'

const status = (over: Partial<NodeStatus> = {}): NodeStatus => ({ version: '1', state: 'running', vault: 'unlocked', member: { id: 'carol', name: 'carol', role: 'backend_dev', networkId: 'n', networkName: 'acme' }, listenAddrs: [], connectedPeers: 2, term: 0, admin: 'alice', ...over })
const header = (audience: NodeStatus['member'] extends infer M ? (M extends { role: infer R } ? R : never) : never) => ({ address: 'bob/architect/p/t/n1', type: 'decision' as const, audience, author: 'bob', authorRole: 'architect' as const, createdAt: 1, contentHash: 'h', size: 1 })

function client(): QueryClient {
  const qc = new QueryClient()
  qc.setQueryData(keys.status, status())
  for (const key of [keys.decisionList({}), keys.peers, keys.members, keys.election, keys.custody, keys.audit]) qc.setQueryData(key, { seeded: true })
  return qc
}
const stale = (qc: QueryClient, key: readonly unknown[]) => qc.getQueryState(key)?.isInvalidated === true
const ev = (m: unknown) => m as EventMessage

beforeEach(() => useUi.setState({ notices: [], lastError: undefined, peerSamples: [] }))

describe('applyEvent', () => {
  it('node.status replaces the status; a vault change refetches everything else', () => {
    const qc = client()
    applyEvent(qc, ev({ type: 'node.status', at: 5, payload: status({ connectedPeers: 3 }) }))
    expect(qc.getQueryData<NodeStatus>(keys.status)!.connectedPeers).toBe(3)
    expect(stale(qc, keys.decisionList({}))).toBe(false)
    expect(useUi.getState().peerSamples).toEqual([[5, 3]])
    applyEvent(qc, ev({ type: 'node.status', at: 6, payload: status({ vault: 'locked', member: undefined }) }))
    expect(stale(qc, keys.decisionList({}))).toBe(true)
    expect(stale(qc, keys.custody)).toBe(true)
  })

  it('decision.published refreshes the lists and notifies only readable decisions published elsewhere', () => {
    const qc = client()
    applyEvent(qc, ev({ type: 'decision.published', at: 1, payload: { header: header('observer'), title: 'Use Postgres', local: false } }))
    expect(stale(qc, keys.decisionList({}))).toBe(true)
    expect(useUi.getState().notices.map((n) => n.title)).toEqual(['New decision: Use Postgres'])
    applyEvent(qc, ev({ type: 'decision.published', at: 2, payload: { header: header('architect'), local: false } }))
    applyEvent(qc, ev({ type: 'decision.published', at: 3, payload: { header: header('observer'), title: 'Mine', local: true } }))
    expect(useUi.getState().notices).toHaveLength(1)
  })

  it('peer.left removes the peer from the cached list without a refetch', () => {
    const qc = client()
    qc.setQueryData(keys.peers, { peers: [{ peerId: 'p1', isAdmin: false, addrs: [], relayed: false }, { peerId: 'p2', isAdmin: false, addrs: [], relayed: false }] })
    applyEvent(qc, ev({ type: 'peer.left', at: 1, payload: { peerId: 'p1' } }))
    expect((qc.getQueryData(keys.peers) as { peers: { peerId: string }[] }).peers.map((p) => p.peerId)).toEqual(['p2'])
    expect(stale(qc, keys.status)).toBe(true)
  })

  it('elections refresh election, custody and status; a share request is a sticky notification', () => {
    const qc = client()
    applyEvent(qc, ev({ type: 'election.leader', at: 1, payload: { term: 2, admin: 'carol' } }))
    expect(stale(qc, keys.election) && stale(qc, keys.custody) && stale(qc, keys.status)).toBe(true)
    expect(useUi.getState().notices.at(-1)!.title).toBe('You are the admin now')
    applyEvent(qc, ev({ type: 'custody.request', at: 1, payload: { id: 'r1', term: 2, winner: 'bob', certifiedBy: ['a', 'b', 'c'], requestedAt: 1, expiresAt: 2, state: 'pending' } }))
    expect(useUi.getState().notices.at(-1)).toMatchObject({ kind: 'custody', sticky: true, route: { screen: 'custody' } })
  })

  it('custody.progress updates the recovery in place', () => {
    const qc = client()
    qc.setQueryData(keys.custody, { threshold: 3, epoch: 1, custodians: [], holdsShare: true, policy: 'auto', pending: [], recovery: { sessionId: 's', term: 1, received: 1, needed: 3, badShares: [], state: 'collecting' } })
    applyEvent(qc, ev({ type: 'custody.progress', at: 1, payload: { sessionId: 's', received: 2, needed: 3, badShares: [{ memberId: 'x', reason: 'bad' }] } }))
    expect((qc.getQueryData(keys.custody) as any).recovery).toMatchObject({ received: 2, badShares: [{ memberId: 'x' }] })
  })
})
