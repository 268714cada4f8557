// Presence: every member announces, signed, the addresses it can be reached at. Peers learn where the other members
// are even when they met only through one hub (the admin, a bootstrap node), so losing that hub never strands them.
import { z } from 'zod'
import { multiaddr } from '@multiformats/multiaddr'
import { peerIdFromString } from '@libp2p/peer-id'
import { decodeEnvelope, encodeEnvelope, RecordError, signEnvelope, verifyEnvelope } from '../crypto/envelope.ts'
import type { SigningKeyPair } from '../crypto/signing.ts'
import { memberSigningKey, type Roster } from '../membership/roster.ts'
import type { NetworkNode } from './node.ts'

export const presenceSchema = z.object({ peerId: z.string(), addrs: z.array(z.string().max(300)).max(16) }).strict()
export type Presence = z.infer<typeof presenceSchema>

export function signPresence(net: string, member: string, payload: Presence, key: SigningKeyPair): Uint8Array {
  return encodeEnvelope(signEnvelope({ kind: 'presence', net, author: member, seq: Date.now(), payload, ttlMs: 10 * 60_000 }, key))
}

export function verifyPresence(bytes: Uint8Array, roster: Roster): Presence {
  const env = verifyEnvelope(decodeEnvelope(bytes, 16 * 1024), { net: roster.network.id, kinds: ['presence'], resolveKey: (a, k) => memberSigningKey(roster, a, k) })
  const p = presenceSchema.safeParse(env.payload)
  if (!p.success) throw new RecordError('malformed', 'malformed presence')
  const member = roster.members.find((m) => m.id === env.author)
  if (member === undefined || !member.peerIds.includes(p.data.peerId)) throw new RecordError('forbidden', 'presence for a peer that is not the author\'s')
  for (const a of p.data.addrs) {
    try {
      multiaddr(a)
    } catch {
      throw new RecordError('malformed', 'presence with a malformed address')
    }
  }
  return p.data
}

/** Remembers a member's announced addresses so dials by peer id find them. */
export async function learnPresence(node: NetworkNode, p: Presence): Promise<void> {
  if (p.peerId === node.peerId.toString() || p.addrs.length === 0) return
  await node.peerStore.merge(peerIdFromString(p.peerId), { multiaddrs: p.addrs.map((a) => multiaddr(a)) })
}
