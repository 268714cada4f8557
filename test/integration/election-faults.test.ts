// Election and custody under faults, on real peers: partitions, an offline custodian, a corrupted share, forged
// votes and certificates, a custodian that asks its user, an admin hand-over and a restart in mid-election.
import { afterEach, describe, expect, it } from 'vitest'
import { toBase64 } from '../../src-main/core/crypto/encoding.ts'
import { signCertificate, signVote, verifyCertificate } from '../../src-main/core/election/messages.ts'
import { generateSigningKey } from '../../src-main/core/crypto/signing.ts'
import type { Peer } from '../../src-main/core/peer.ts'
import { callAs, createTestNetwork, heal, partition, waitFor, type TestNetwork } from '../helpers/network.ts'

const config = { election: { heartbeatMs: 150, electionTimeoutMs: 1000 } }
let net: TestNetwork | undefined
afterEach(async () => {
  await net?.close()
  net = undefined
})

async function fiveMembers(extra: Parameters<typeof createTestNetwork>[1] = {}): Promise<TestNetwork> {
  const n = await createTestNetwork(['architect', 'architect', 'backend_dev', 'backend_dev'], { config, ...extra })
  await waitFor('full connectivity', () => n.all.every((p) => p.network!.node.getPeers().length === n.all.length - 1))
  await waitFor('everyone follows the founding admin', () => n.members.every((m) => m.election?.leader === 'admin'))
  return n
}

function seatedAdmin(peers: Peer[]): Peer | undefined {
  return peers.find((p) => p.election?.isLeader && p.sessionOrUndefined?.admin !== undefined && p.roster.roster.members.find((m) => m.id === p.session.memberId)?.role === 'admin')
}

describe('election under faults', () => {
  it('LeaderPartition: a minority admin steps down, the majority elects and rebuilds the key; healing converges', async () => {
    net = await fiveMembers()
    const [a1, a2, b3, b4] = net.members as [Peer, Peer, Peer, Peer]
    await partition([net.admin, a1], [a2, b3, b4])
    await waitFor('the minority admin steps down (lease lost)', () => !net!.admin.election!.isLeader, 10_000)
    await waitFor('the majority seats a new admin', () => seatedAdmin([a2, b3, b4]) !== undefined, 15_000)
    const winner = seatedAdmin([a2, b3, b4])!
    // The old admin cannot act as admin any more, even though it still holds the key.
    await expect(callAs(net.admin, 'members.invite', { role: 'observer' })).rejects.toMatchObject({ code: 'forbidden' })
    heal(net.all)
    await waitFor('everyone follows the new admin', () => net!.all.every((p) => p.election?.leader === winner.session.memberId), 15_000)
    await waitFor('the old admin drops the admin key and becomes an architect', () => net!.admin.sessionOrUndefined?.admin === undefined && net!.admin.session.role === 'architect', 15_000)
    expect(net.all.filter((p) => p.election?.isLeader)).toHaveLength(1)
  }, 60_000)

  it('recovers with one custodian offline: three of the other four suffice', async () => {
    net = await fiveMembers()
    const [a1, a2, b3, b4] = net.members as [Peer, Peer, Peer, Peer]
    await b4.close()
    await net.admin.close()
    await waitFor('a seated admin among the remaining three', () => seatedAdmin([a1, a2, b3]) !== undefined, 20_000)
    expect(seatedAdmin([a1, a2, b3])!.custody!.status().recovery?.received).toBeGreaterThanOrEqual(3)
  }, 60_000)

  it('names a corrupted share and rebuilds from the others', async () => {
    net = await fiveMembers()
    const [a1, a2, b3, b4] = net.members as [Peer, Peer, Peer, Peer]
    // backend-dev-3's share is corrupted on disk (one byte).
    await b3.vaultHandle.update((v) => {
      const [index, hex] = v.custody!.share.split(':')
      const flipped = (parseInt(hex!.slice(0, 2), 16) ^ 0x01).toString(16).padStart(2, '0') + hex!.slice(2)
      return { ...v, custody: { ...v.custody!, share: `${index}:${flipped}` } }
    })
    b3.refreshSession()
    await net.admin.close()
    await waitFor('a seated admin', () => seatedAdmin([a1, a2, b3, b4]) !== undefined, 20_000)
    const winner = seatedAdmin([a1, a2, b3, b4])!
    const rec = winner.custody!.status().recovery!
    if (winner !== b3 && rec.badShares.length > 0) expect(rec.badShares[0]).toMatchObject({ memberId: 'backend-dev-3', reason: expect.stringContaining('commitment') })
    expect(rec.state).toBe('recovered')
  }, 60_000)

  it('rejects forged votes and forged certificates', async () => {
    net = await fiveMembers()
    const roster = net.admin.roster.roster
    const mallory = generateSigningKey()
    const a1 = net.members[0]!
    // A certificate for architect-1 with votes signed by keys that are not the voters' keys.
    const forgedVotes = ['architect-2', 'backend-dev-3', 'backend-dev-4'].map((voter) => signVote(roster.network.id, { term: 7, candidate: 'architect-1', voter }, mallory))
    const forged = signCertificate(roster.network.id, { term: 7, winner: 'architect-1', votes: forgedVotes }, a1.session.signing)
    expect(() => verifyCertificate(forged, roster)).toThrow(/signature/)
    // Too few genuine votes.
    const own = signVote(roster.network.id, { term: 7, candidate: 'architect-1', voter: 'architect-1' }, a1.session.signing)
    expect(() => verifyCertificate(signCertificate(roster.network.id, { term: 7, winner: 'architect-1', votes: [own, own] }, a1.session.signing), roster)).toThrow(/distinct votes/)
    // Votes for another candidate, replayed into a certificate for architect-1.
    const forOther = net.members.slice(1, 4).map((p) => signVote(roster.network.id, { term: 7, candidate: 'backend-dev-3', voter: p.session.memberId }, p.session.signing))
    expect(() => verifyCertificate(signCertificate(roster.network.id, { term: 7, winner: 'architect-1', votes: [own, ...forOther] }, a1.session.signing), roster)).toThrow(/another term or candidate/)
    // Published on gossip, the forged certificate changes nobody's admin.
    await a1.network!.node.services.pubsub.publish(a1.network!.names.topics.election, forged).catch(() => undefined)
    await new Promise((r) => setTimeout(r, 500))
    expect(net.all.every((p) => p.election!.term === 0 && p.election!.leader === 'admin')).toBe(true)
    // A custodian refuses a share request backed by it.
    const reply = await callShareRequest(a1, net.members[1]!, forged)
    expect(reply).toMatchObject({ status: 'refused' })
    void toBase64
  }, 60_000)

  it('a custodian that asks its user releases only after approval', async () => {
    net = await fiveMembers({ config: { ...config, custody: { policy: 'ask' } } })
    const rest = net.members
    await net.admin.close()
    await waitFor('a winner waiting for shares', () => rest.some((p) => p.election?.isLeader), 15_000)
    const winner = rest.find((p) => p.election?.isLeader)!
    const custodians = rest.filter((p) => p !== winner)
    await waitFor('share requests pending', () => custodians.filter((c) => c.custody!.status().pending.some((r) => r.state === 'pending')).length >= 2, 10_000)
    expect(winner.sessionOrUndefined?.admin).toBeUndefined()
    const first = custodians.find((c) => c.custody!.status().pending.length > 0)!
    const request = first.custody!.status().pending[0]!
    expect(request).toMatchObject({ winner: winner.session.memberId, term: winner.election!.term })
    expect(request.certifiedBy.length).toBeGreaterThanOrEqual(3)
    // One custodian refuses; two approve.
    await callAs(first, 'custody.deny', { requestId: request.id, reason: 'not sure' })
    for (const c of custodians.filter((x) => x !== first)) {
      const p = c.custody!.status().pending.find((r) => r.state === 'pending')
      if (p !== undefined) await callAs(c, 'custody.approve', { requestId: p.id })
    }
    await waitFor('the winner rebuilds the key', () => seatedAdmin(rest) === winner, 15_000)
    expect((await first.audit.list()).map((e) => e.kind)).toContain('share_refused')
  }, 60_000)

  it('the admin hands over on request; the next admin is seated', async () => {
    net = await fiveMembers()
    const out = await callAs(net.admin, 'election.trigger', {})
    expect(out.term).toBe(1)
    await waitFor('another member seated', () => seatedAdmin(net!.members) !== undefined, 15_000)
    const seated = seatedAdmin(net.members)!
    const other = net.members.find((p) => p !== seated)!
    await expect(callAs(other, 'election.trigger', {})).rejects.toMatchObject({ code: 'forbidden' })
  }, 60_000)

  it('a restart in mid-election keeps its vote: the term still ends with exactly one admin', async () => {
    net = await fiveMembers()
    await net.admin.close()
    await waitFor('someone voted', () => net!.members.some((p) => p.election!.machine.votedFor !== undefined && p.election!.term > 0), 10_000)
    const voter = net.members.find((p) => !p.election!.isLeader && p.election!.machine.votedFor !== undefined)!
    const { term, votedFor } = voter.election!.machine.persistent
    const again = await net.restart(voter)
    expect(again.election!.machine.persistent).toEqual({ term: Math.max(term, again.election!.term), votedFor: again.election!.term === term ? votedFor : again.election!.machine.votedFor })
    await waitFor('a seated admin', () => seatedAdmin(net!.members) !== undefined, 20_000)
    expect(net.members.filter((p) => p.election?.isLeader)).toHaveLength(1)
  }, 60_000)
})

async function callShareRequest(winner: Peer, custodian: Peer, certificate: Uint8Array): Promise<unknown> {
  const { signEnvelope, encodeEnvelope } = await import('../../src-main/core/crypto/envelope.ts')
  const { request } = await import('../../src-main/core/network/rpc.ts')
  const roster = winner.roster.roster
  const env = signEnvelope({ kind: 'share_request', net: roster.network.id, author: winner.session.memberId, seq: 7, payload: { sessionId: 'ab'.repeat(16), term: 7, certificate: toBase64(certificate), expiresAt: Date.now() + 60_000 }, ttlMs: 60_000 }, winner.session.signing)
  const reply = await request(winner.network!.node, custodian.network!.node.peerId, winner.network!.names.share, new TextEncoder().encode(JSON.stringify({ type: 'request', envelope: toBase64(encodeEnvelope(env)) })), { timeoutMs: 5000 })
  return JSON.parse(new TextDecoder().decode(reply))
}
