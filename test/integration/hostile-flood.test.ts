// A hostile member and an outsider flood honest peers on every protocol at a high rate (test/helpers/hostile-peer.ts).
// Honest peers keep publishing and reading, store nothing of the flood, get their inbound streams back, and ban the
// flooders (misbehaviour.ts); an honest peer that replays one old roster is not banned.
import { base32nopad } from '@scure/base'
import type { Libp2p, PeerId } from '@libp2p/interface'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { utf8 } from '../../src-main/core/crypto/encoding.ts'
import { encodeEnvelope } from '../../src-main/core/crypto/envelope.ts'
import { inboundStreamCount } from '../../src-main/core/network/inbound-guard.ts'
import { request } from '../../src-main/core/network/rpc.ts'
import type { Peer } from '../../src-main/core/peer.ts'
import { decisionKey, keyBytes, rosterKey } from '../../src-main/core/records/keys.ts'
import { askDht, createOutsider, HostilePeer, type FloodReport } from '../helpers/hostile-peer.ts'
import { callAs, createTestNetwork, waitFor, type TestNetwork } from '../helpers/network.ts'

let net: TestNetwork
let mallory: Peer
let alice: Peer
let bob: Peer
let oldRoster: Uint8Array
let outsider: Libp2p | undefined

beforeAll(async () => {
  net = await createTestNetwork(['observer', 'architect'])
  ;[mallory, alice] = net.members as [Peer, Peer]
  oldRoster = encodeEnvelope(net.admin.roster.envelope!)
  bob = await net.add('backend_dev')
  const seq = net.admin.roster.roster.seq
  await waitFor('rosters to converge', () => net.all.every((p) => p.roster.roster.seq === seq))
  await waitFor('everyone connected to everyone', () => net.all.every((p) => p.network!.node.getPeers().length === net.all.length - 1), 20_000)
}, 90_000)
afterAll(async () => {
  await outsider?.stop()
  await net?.close()
})

const honest = () => [net.admin, alice, bob]
const idOf = (p: Peer) => p.network!.node.peerId
const DHT_RECORDS = '/bzzz-dht/record/'

/** The DHT keys a peer's kad-dht holds records for (its datastore is a sublevel of the peer's LevelDB). */
async function dhtKeys(peer: Peer, prefix = DHT_RECORDS): Promise<string[]> {
  const db = peer.store.db.sublevel<string, Uint8Array>('libp2p', { valueEncoding: 'view' })
  const out: string[] = []
  for await (const k of db.keys({ gte: prefix, lt: `${prefix}\xff` })) out.push(prefix === DHT_RECORDS ? utf8.decode(base32nopad.decode(k.slice(prefix.length).toUpperCase())) : k)
  return out
}

/** A DHT put from one peer: how many peers stored the record, and how many refused it. */
async function dhtPut(from: Peer, key: string, bytes: Uint8Array): Promise<{ stored: number; refused: number }> {
  const r = { stored: 0, refused: 0 }
  try {
    for await (const e of from.network!.node.services.dht.put(keyBytes(key), bytes, { signal: AbortSignal.timeout(3000) })) {
      if (e.name === 'PEER_RESPONSE' && e.messageName === 'PUT_VALUE') r.stored++
      if (e.name === 'QUERY_ERROR') r.refused++
    }
  } catch {
    // refused everywhere: the query ends in errors
  }
  return r
}

function within<T>(ms: number, what: string, p: Promise<T>): Promise<T> {
  return Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms).unref())])
}

describe('honest peers under a flood', () => {
  it('do not ban an honest peer that replays one old roster', async () => {
    const others = honest().filter((p) => p !== alice)
    const counted = (p: Peer) => Object.values(p.network!.defence.tracker.totals).reduce((a, b) => a + b, 0)
    const before = others.map(counted)
    // Over gossip the same bytes are a duplicate (dropped unseen); the DHT put reaches every validator, which refuses
    // it as stale.
    await alice.network!.node.services.pubsub.publish(alice.network!.names.topics.roster, oldRoster).catch(() => undefined)
    const put = await dhtPut(alice, rosterKey(alice.session.networkId), oldRoster)
    expect(put).toEqual({ stored: 0, refused: expect.any(Number) })
    expect(put.refused).toBeGreaterThan(0)
    for (const [i, p] of others.entries()) {
      expect(counted(p)).toBe(before[i])
      expect(p.network!.defence.isBanned(idOf(alice).toString())).toBe(false)
      expect(p.network!.gate.allowed(idOf(alice).toString())).toBe(true)
      expect(p.network!.node.getConnections(idOf(alice)).length).toBeGreaterThan(0)
    }
    expect(net.admin.roster.roster.seq).toBeGreaterThan(JSON.parse(utf8.decode(oldRoster)).seq)
  })

  it('count what a member sends wrong on each protocol against it, below the ban threshold', async () => {
    const hostile = new HostilePeer(mallory.network!.node, { networkId: mallory.session.networkId, identity: mallory.session })
    const before = { ...bob.network!.defence.tracker.totals }
    const adminBefore = net.admin.network!.defence.tracker.totals.invalid_request
    await waitFor('mallory meshes with bob', () => mallory.network!.node.services.pubsub.getSubscribers(mallory.network!.names.topics.decisions).some((p) => p.equals(idOf(bob))))
    await Promise.all([
      hostile.attack('gossip', idOf(bob), 2), // forged signature
      hostile.attack('kad', idOf(bob), 0), // PUT_VALUE of a forged record
      hostile.attack('kad', idOf(bob), 6), // undecodable
      hostile.attack('kad', idOf(bob), 7), // over 1 MiB on one stream
      hostile.attack('vote', idOf(bob), 1), // not JSON
      hostile.attack('vote', idOf(bob), 4), // length prefix of 1 MiB
      hostile.attack('share', idOf(bob), 5), // a prefix, then silence
      hostile.attack('sync', idOf(bob), 1), // not JSON
      hostile.attack('join', idOf(net.admin), 0), // a join request that is no envelope
    ])
    const t = bob.network!.defence.tracker.totals
    await waitFor('every offence counted', () => t.invalid_gossip > before.invalid_gossip && t.invalid_record > before.invalid_record && t.undecodable_frame >= before.undecodable_frame + 3 && t.oversized_frame >= before.oversized_frame + 2 && t.stalled_stream > before.stalled_stream && net.admin.network!.defence.tracker.totals.invalid_request > adminBefore, 15_000)
    expect(bob.network!.defence.isBanned(idOf(mallory).toString())).toBe(false)
    hostile.stop()
  }, 30_000)

  it('absorb a member flooding input that is refused but not held against it, and ban no one', async () => {
    const malloryId = idOf(mallory).toString()
    const baseline = new Map(honest().map((p) => [p, inboundStreamCount(p.network!.node)]))
    const hostile = new HostilePeer(mallory.network!.node, { networkId: mallory.session.networkId, identity: mallory.session, replays: [{ topic: 'roster', bytes: oldRoster }] })
    const flood = hostile.flood({ targets: honest().map(idOf), durationMs: 3_000, ratePerSecond: 1000, subtle: true })
    const published = await within(10_000, 'publishing', callAs(alice, 'decisions.publish', { type: 'architectural', title: 'Steady', audience: 'backend_dev', project: 'ops', task: 'subtle' }))
    expect((await within(10_000, 'reading', callAs(bob, 'decisions.get', { address: published.address }))).content.title).toBe('Steady')
    const report = await flood
    expect([report.sent.gossip, report.sent.kad, report.sent.join, report.sent.vote, report.sent.share, report.sent.sync].every((n) => n > 100)).toBe(true)
    for (const p of honest()) {
      expect(p.network!.defence.isBanned(malloryId)).toBe(false)
      await waitFor(`${p.session.memberId}'s inbound streams to settle`, () => inboundStreamCount(p.network!.node) <= baseline.get(p)! + 4, 20_000)
      const stored = new Set(await dhtKeys(p))
      expect(report.keys.filter((k) => stored.has(k))).toEqual([])
      expect(report.addresses.filter((a) => p.index.has(a))).toEqual([])
      expect(await dhtKeys(p, '/bzzz-dht/provider/')).toEqual([])
    }
    hostile.stop()
  }, 40_000)

  it('keep publishing and reading, store nothing of it, recover their streams and ban the flooders', async () => {
    const malloryId = idOf(mallory).toString()
    outsider = await createOutsider()
    await outsider.dial(net.admin.network!.node.getMultiaddrs()[0]!)
    // Admitted for joining, the outsider reaches the join protocol only: the admin's DHT does not answer it.
    const roster = rosterKey(net.admin.session.networkId)
    expect(await askDht(alice.network!.node, idOf(net.admin), net.admin.network!.names.kad, roster)).toBeDefined()
    expect(await askDht(outsider, idOf(net.admin), net.admin.network!.names.kad, roster)).toBeUndefined()
    const baseline = new Map(honest().map((p) => [p, inboundStreamCount(p.network!.node)]))
    const rosterSeq = net.admin.roster.roster.seq
    const member = new HostilePeer(mallory.network!.node, { networkId: mallory.session.networkId, identity: mallory.session, replays: [{ topic: 'roster', bytes: oldRoster }] })
    const stranger = new HostilePeer(outsider, { networkId: mallory.session.networkId })
    const targets: PeerId[] = honest().map(idOf)
    const floods = Promise.all([member.flood({ targets, durationMs: 4_000, ratePerSecond: 1500 }), stranger.flood({ targets: [idOf(net.admin)], durationMs: 4_000, ratePerSecond: 500 })])

    // During the flood: a publish by one honest peer and its retrieval by another, each within a generous deadline.
    const published = await within(10_000, 'publishing', callAs(alice, 'decisions.publish', { type: 'architectural', title: 'Under fire', audience: 'backend_dev', project: 'ops', task: 'flood' }))
    const read = await within(10_000, 'reading', callAs(bob, 'decisions.get', { address: published.address }))
    expect(read.content.title).toBe('Under fire')
    const [fromMember, fromStranger] = (await floods) as [FloodReport, FloodReport]
    expect(Object.values(fromMember.sent).every((n) => n > 0)).toBe(true)

    // Banned by every peer it flooded: the gate refuses it and reconnecting fails.
    for (const p of honest()) {
      await waitFor(`${p.session.memberId} bans mallory`, () => p.network!.defence.isBanned(malloryId))
      expect(p.network!.gate.allowed(malloryId)).toBe(false)
    }
    await waitFor('the admin bans the outsider', () => net.admin.network!.defence.isBanned(outsider!.peerId.toString()))
    expect(fromMember.redials).toBeGreaterThan(0)
    await expect(request(mallory.network!.node, idOf(alice), mallory.network!.names.vote, utf8.encode('{}'), { timeoutMs: 3_000 })).rejects.toThrow()
    await expect(outsider.dialProtocol(idOf(net.admin), net.admin.network!.names.join, { signal: AbortSignal.timeout(3_000) })).rejects.toThrow()
    expect(fromStranger.sent.join).toBeGreaterThan(0)

    // Logged and audited with the peer and the offences, never the content.
    const entry = (await alice.audit.list(-1, 1000)).find((e) => e.kind === 'peer_banned' && e.detail.peer === malloryId)
    expect(entry?.detail).toMatchObject({ member: mallory.session.memberId, repeat: 1 })
    expect(Object.keys(entry!.detail).sort()).toEqual(['member', 'offences', 'peer', 'reason', 'repeat', 'seconds'])

    // Stored nothing: no flood key in any DHT store or record store, no flood address in any index, no provider record.
    const floodKeys = new Set([...fromMember.keys, ...fromStranger.keys])
    for (const p of honest()) {
      const stored = await dhtKeys(p)
      expect(stored.length).toBeGreaterThan(0)
      expect(stored.filter((k) => floodKeys.has(k))).toEqual([])
      const held: string[] = []
      for await (const [k] of p.records.entries()) if (floodKeys.has(k)) held.push(k)
      expect(held).toEqual([])
      expect(fromMember.addresses.filter((a) => p.index.has(a))).toEqual([])
      expect(await dhtKeys(p, '/bzzz-dht/provider/')).toEqual([])
      expect(p.roster.roster.seq).toBe(rosterSeq)
    }
    // (The listing reads real keys: the honest decision published during the flood is there.)
    expect(await dhtKeys(alice)).toContain(decisionKey(alice.session.networkId, published.address))

    // No leak: inbound streams back to what they were before the flood, with the hostile side still holding its own.
    for (const p of honest()) {
      await waitFor(`${p.session.memberId}'s inbound streams to settle`, () => inboundStreamCount(p.network!.node) <= baseline.get(p)! + 4, 20_000)
      expect(p.network!.node.status).toBe('started')
    }
    member.stop()
    stranger.stop()

    // And still serving afterwards.
    const after = await within(10_000, 'publishing after the flood', callAs(bob, 'decisions.publish', { type: 'decision', title: 'After the storm', audience: 'observer', project: 'ops', task: 'flood' }))
    expect((await within(10_000, 'reading after the flood', callAs(alice, 'decisions.get', { address: after.address }))).content.title).toBe('After the storm')
  }, 60_000)
})
