// A member that misbehaves on every channel: forged, replayed, mis-keyed, forbidden, unknown-kind and oversized
// records, injected through the DHT and gossip. Honest peers refuse each one and keep serving.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { toBase64, utf8 } from '../../src-main/core/crypto/encoding.ts'
import { encodeEnvelope, signEnvelope, type Envelope } from '../../src-main/core/crypto/envelope.ts'
import { generateSigningKey } from '../../src-main/core/crypto/signing.ts'
import { sha256Hex } from '../../src-main/core/crypto/hash.ts'
import { decisionKey, keyBytes, rosterKey } from '../../src-main/core/records/keys.ts'
import { newNodeId } from '../../src-main/core/decisions/ids.ts'
import type { Peer } from '../../src-main/core/peer.ts'
import { callAs, createTestNetwork, waitFor, type TestNetwork } from '../helpers/network.ts'

let net: TestNetwork
let mallory: Peer
let honest: Peer

beforeAll(async () => {
  net = await createTestNetwork(['observer', 'architect'])
  ;[mallory, honest] = net.members as [Peer, Peer]
}, 60_000)
afterAll(() => net?.close())

function decisionRecord(author: Peer, overrides: { type?: string; audience?: string; signer?: ReturnType<typeof generateSigningKey>; address?: string } = {}) {
  const s = author.session
  const sealed = new Uint8Array([1, 2, 3, 4])
  const address = overrides.address ?? `${s.memberId}/${s.role}/evil/plan/${newNodeId()}`
  const header = { address, type: overrides.type ?? 'suggestion', audience: overrides.audience ?? 'observer', author: s.memberId, authorRole: s.role, createdAt: Date.now(), contentHash: sha256Hex(sealed), size: sealed.length }
  const env = signEnvelope({ kind: 'decision', net: s.networkId, author: s.memberId, seq: 0, payload: { header, sealed: toBase64(sealed) }, ttlMs: 3600_000 }, overrides.signer ?? s.signing)
  return { address, env, bytes: encodeEnvelope(env as Envelope) }
}

async function dhtPut(from: Peer, key: string, bytes: Uint8Array): Promise<number> {
  let acks = 0
  try {
    for await (const e of from.network!.node.services.dht.put(keyBytes(key), bytes, { signal: AbortSignal.timeout(3000) })) {
      if (e.name === 'PEER_RESPONSE' && e.messageName === 'PUT_VALUE') acks++
    }
  } catch {
    // refused everywhere: the query ends in errors
  }
  return acks
}

async function gossip(from: Peer, bytes: Uint8Array): Promise<void> {
  await from.network!.node.services.pubsub.publish(from.network!.names.topics.decisions, bytes).catch(() => undefined)
}

describe('a hostile member', () => {
  it('cannot store forged, mis-keyed, forbidden or garbage records in honest peers through the DHT', async () => {
    const net_ = mallory.session.networkId
    const forged = decisionRecord(mallory, { signer: generateSigningKey() })
    const forbidden = decisionRecord(mallory, { type: 'decision' }) // observers may only suggest
    const impersonation = decisionRecord(mallory, { address: `architect-2/architect/evil/plan/${newNodeId()}` })
    const genuine = decisionRecord(mallory)
    const cases: [string, string, Uint8Array][] = [
      ['forged signature', decisionKey(net_, forged.address), forged.bytes],
      ['forbidden type for the role', decisionKey(net_, forbidden.address), forbidden.bytes],
      ['impersonating another member', decisionKey(net_, impersonation.address), impersonation.bytes],
      ['valid record under the wrong key', decisionKey(net_, `observer-1/observer/other/x/${newNodeId()}`), genuine.bytes],
      ['not an envelope', decisionKey(net_, genuine.address), utf8.encode('{"hello":"world"}')],
      ['unknown kind', decisionKey(net_, genuine.address), utf8.encode(new TextDecoder().decode(genuine.bytes).replace('"kind":"decision"', '"kind":"telepathy"'))],
      ['oversized', decisionKey(net_, genuine.address), new Uint8Array(700 * 1024)],
    ]
    for (const [name, key, bytes] of cases) {
      expect(await dhtPut(mallory, key, bytes), name).toBe(0)
      expect(await honest.records.get(key), name).toBeUndefined()
      expect(await honest.network!.dht.get(key, { timeoutMs: 2000 }), name).toBeUndefined()
    }
  })

  it('cannot push forged or forbidden decisions through gossip', async () => {
    // Mallory talks to the honest peer directly, so the messages reach it rather than stopping at the admin.
    await mallory.network!.node.dial(honest.network!.node.peerId)
    await waitFor('mallory meshes with the honest peer', () => mallory.network!.node.services.pubsub.getSubscribers(mallory.network!.names.topics.decisions).some((p) => p.equals(honest.network!.node.peerId)))
    const before = honest.network!.gossip.counters.rejected
    const forged = decisionRecord(mallory, { signer: generateSigningKey() })
    const forbidden = decisionRecord(mallory, { type: 'architectural' })
    await gossip(mallory, forged.bytes)
    await gossip(mallory, forbidden.bytes)
    await gossip(mallory, utf8.encode('garbage'))
    await waitFor('honest peer to reject three messages', () => honest.network!.gossip.counters.rejected >= before + 3)
    expect(honest.index.has(forged.address)).toBe(false)
    expect(honest.index.has(forbidden.address)).toBe(false)
  })

  it('cannot roll the roster back by replaying an old one', async () => {
    const old = net.admin.roster.envelope!
    // Make the roster move on, then replay the old one over gossip and the DHT.
    await net.add('observer')
    await waitFor('honest peer sees the new roster', () => honest.roster.roster.seq === old.payload.seq + 1)
    await mallory.network!.node.services.pubsub.publish(mallory.network!.names.topics.roster, encodeEnvelope(old)).catch(() => undefined)
    await dhtPut(mallory, rosterKey(old.net), encodeEnvelope(old))
    await new Promise((r) => setTimeout(r, 300))
    expect(honest.roster.roster.seq).toBe(old.payload.seq + 1)
    const fetched = await honest.network!.dht.get(rosterKey(old.net), { timeoutMs: 2000 })
    expect(fetched && JSON.parse(new TextDecoder().decode(fetched)).seq).toBe(old.payload.seq + 1)
  })

  it('cannot forge a roster that makes it admin', async () => {
    const roster = honest.roster.roster
    const fake = signEnvelope({ kind: 'roster', net: roster.network.id, author: 'admin', seq: roster.seq + 10, payload: { ...roster, seq: roster.seq + 10 }, ttlMs: 3600_000 }, mallory.session.signing)
    await mallory.network!.node.services.pubsub.publish(mallory.network!.names.topics.roster, encodeEnvelope(fake)).catch(() => undefined)
    await new Promise((r) => setTimeout(r, 300))
    expect(honest.roster.roster.seq).toBe(roster.seq)
  })

  it('leaves honest peers serving: they still publish and read', async () => {
    const out = await callAs(honest, 'decisions.publish', { type: 'architectural', title: 'Still fine', audience: 'observer', project: 'ops', task: 'after-attack' })
    await waitFor('admin sees it', () => net.admin.index.has(out.address))
    expect((await callAs(net.admin, 'decisions.get', { address: out.address })).content.title).toBe('Still fine')
  })
})
