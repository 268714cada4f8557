// Read-only diagnostics of the running network: connections with their streams, the gossipsub mesh per topic, the
// Kademlia routing table with XOR distances, and one raw DHT record described (never its sealed content).
// Access: debug_access ('partial' for a backend developer: connections and gossip mesh only), raw_dht for records.
import { BzzzError } from '../../../src-shared/errors.ts'
import { may, type DebugTool } from '../../../src-shared/roles.ts'
import { decodeEnvelope, RecordError, type Envelope } from '../crypto/envelope.ts'
import { sha256 } from '../crypto/hash.ts'
import { memberByPeerId } from '../membership/roster.ts'
import type { NetworkRuntime } from '../network/runtime.ts'
import type { Peer } from '../peer.ts'
import type { HandlerTable } from './types.ts'

const DHT_GET_TIMEOUT_MS = 5_000

/** What kad-dht's routing table implementation has beyond its public type ({ size }): the k-bucket trie. */
interface KadRoutingTable {
  kBucketSize?: number
  kb?: { toIterable(): Iterable<{ peerId: { toString(): string }; kadId: Uint8Array }> }
}

function allow(peer: Peer, debugTool: DebugTool): void {
  const answer = may(peer.session.role, 'debug_access', { debugTool })
  if (!answer.allowed) throw new BzzzError('forbidden', answer.reason)
}

function running(peer: Peer): NetworkRuntime {
  const rt = peer.network
  if (rt === undefined) throw new BzzzError('unavailable', 'the network is not running on this peer (it is stopped or starting); nothing to inspect')
  return rt
}

function memberOf(peer: Peer, peerId: string): { memberId?: string } {
  const member = peer.roster.envelope === undefined ? undefined : memberByPeerId(peer.roster.roster, peerId)
  return member === undefined ? {} : { memberId: member.id }
}

/** XOR of two equally long ids, as hex (the Kademlia distance; smaller is closer). */
export function xorHex(a: Uint8Array, b: Uint8Array): string {
  let out = ''
  for (let i = 0; i < Math.max(a.length, b.length); i++) out += ((a[i] ?? 0) ^ (b[i] ?? 0)).toString(16).padStart(2, '0')
  return out
}

/** What can be said of a record without opening it: kind and author from the envelope, and the validator's verdict. */
function describe(peer: Peer, key: string, bytes: Uint8Array): { kind?: string; author?: string; valid: boolean; reason?: string } {
  let env: Envelope
  try {
    env = decodeEnvelope(bytes)
  } catch (err) {
    return { valid: false, reason: err instanceof Error ? err.message : String(err) }
  }
  try {
    peer.validator.byKey(key, bytes)
    return { kind: env.kind, author: env.author, valid: true }
  } catch (err) {
    const reason = err instanceof RecordError ? `${err.message} (${err.reason})` : err instanceof Error ? err.message : String(err)
    return { kind: env.kind, author: env.author, valid: false, reason }
  }
}

export const debugHandlers = {
  'debug.connections': async (_args, { peer }) => {
    allow(peer, 'connections')
    const rt = running(peer)
    return {
      connections: rt.node.getConnections().map((c) => ({
        peerId: c.remotePeer.toString(),
        ...memberOf(peer, c.remotePeer.toString()),
        addr: c.remoteAddr.toString(),
        direction: c.direction,
        streams: c.streams.map((s) => s.protocol || '(negotiating)'),
      })),
    }
  },
  'debug.gossip': async (_args, { peer }) => {
    allow(peer, 'gossip_mesh')
    const rt = running(peer)
    const topics = rt.node.services.pubsub.getTopics().sort()
    return { topics: topics.map((topic) => ({ topic, mesh: rt.gossip.meshPeers(topic).sort(), subscribers: rt.gossip.subscribers(topic) })) }
  },
  'debug.routing': async (_args, { peer }) => {
    allow(peer, 'routing_table')
    const rt = running(peer)
    const dht = rt.node.services.dht
    const table = dht.routingTable as unknown as KadRoutingTable
    if (table.kb === undefined) throw new BzzzError('unavailable', 'this kad-dht version does not expose its routing table')
    // Kademlia ids are SHA-256 of the peer id's multihash (kad-dht's convertPeerId).
    const self = sha256(rt.node.peerId.toMultihash().bytes)
    const peers = [...table.kb.toIterable()].map((p) => ({ peerId: p.peerId.toString(), ...memberOf(peer, p.peerId.toString()), distance: xorHex(self, p.kadId) }))
    peers.sort((a, b) => (a.distance < b.distance ? -1 : a.distance > b.distance ? 1 : 0))
    return { kBucketSize: table.kBucketSize ?? dht.k, peers }
  },
  'debug.dhtGet': async (args, { peer }) => {
    allow(peer, 'dht_record')
    const rt = running(peer)
    const fromDht = await rt.dht.get(args.key, { timeoutMs: DHT_GET_TIMEOUT_MS })
    const bytes = fromDht ?? (await peer.records.get(args.key))
    if (bytes === undefined) return { key: args.key, found: false }
    return { key: args.key, found: true, source: fromDht === undefined ? ('local' as const) : ('dht' as const), bytes: bytes.length, ...describe(peer, args.key, bytes) }
  },
} satisfies HandlerTable
