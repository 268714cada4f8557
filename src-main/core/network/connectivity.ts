// Who this peer stays connected to, and telling the others where it is: presence announcements out and in, and a
// random graph of member connections kept at a fixed degree around the admin.
import { KEEP_ALIVE } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import type { Peer } from '../peer.ts'
import { CONNECTION_TARGET, connectionsToTrim, type PeerConnections } from './connection-trim.ts'
import type { MembershipGate } from './gate.ts'
import type { Gossip } from './gossip.ts'
import { connectedPeerIds, type NetworkNode } from './node.ts'
import { learnPresence, signPresence, type Presence } from './presence.ts'

/** Members each peer keeps a connection to, besides the admin. */
const MEMBER_DEGREE = 8
/** Unchanged announced addresses are learned again this often (well inside the peer store's address lifetime). */
const RELEARN_MS = 10 * 60_000
/** Periodic presence, at least: well inside the announcement's 10-minute lifetime; every 30 s, it was half the gossip
 * traffic of 40 idle peers. */
const PERIODIC_PRESENCE_MS = 4 * 60_000
/** How long after its start a peer announces its presence as others' subscriptions reach it, and how often at most
 * (the first may reach nobody: the gossip mesh fills at gossipsub's next heartbeat). */
const ANNOUNCE_ON_SUBSCRIPTION_MS = 60_000
const ANNOUNCE_ON_SUBSCRIPTION_MAX = 3

export class Connectivity {
  /** `topic`: presence; `topics`: every gossip topic (trimConnections closes peers in fewer of their meshes first). */
  private readonly deps: { peer: Peer; node: NetworkNode; gate: MembershipGate; gossip: Gossip; topic: string; topics: string[] }
  private readonly lastDial = new Map<string, number>()
  /** The addresses each member last announced, to act only on changes. */
  private readonly learned = new Map<string, { addrs: string; at: number }>()
  private keepConnectedTimer: NodeJS.Timeout | undefined
  private lastPresence = 0
  private readonly startedAt = Date.now()
  private subscriptionAnnouncements = 0

  constructor(deps: Connectivity['deps']) {
    this.deps = deps
  }

  stop(): void {
    clearTimeout(this.keepConnectedTimer)
  }

  /** A verified presence announcement. The same addresses again (the periodic one) change nothing: no peer store write. */
  async onPresence(p: Presence): Promise<void> {
    const addrs = p.addrs.join(' ')
    const last = this.learned.get(p.peerId)
    if (last?.addrs === addrs && Date.now() - last.at < RELEARN_MS) return
    await learnPresence(this.deps.node, p)
    // Remembered only once learned: a failed write is tried again with the next announcement.
    this.learned.set(p.peerId, { addrs, at: Date.now() })
    this.keepConnectedSoon()
  }

  /** Addresses of members learned at join time (or from a restore): dial candidates beyond the bootstrap list. */
  async learnKnownPeers(): Promise<void> {
    const known = (await this.deps.peer.store.json<{ peerId: string; addrs: string[] }[]>('meta').get('known-peers')) ?? []
    for (const p of known) await learnPresence(this.deps.node, p).catch(() => undefined)
  }

  /**
   * keepConnected() once, a second from now, however many presence announcements ask for it meanwhile: run for each,
   * it was a tenth of the CPU of 40 peers forming a network in one process.
   */
  private keepConnectedSoon(): void {
    this.keepConnectedTimer ??= setTimeout(() => {
      this.keepConnectedTimer = undefined
      this.keepConnected()
    }, 1_000).unref()
  }

  /**
   * Publishes this member's addresses (a locked vault cannot sign, so it stays quiet). Every announcement reaches every
   * member, so the spacing grows with the network and the presence traffic of the whole network grows as N, not N²:
   * every max(4 min, N x 500 ms) up to 5 min, inside the announcement's 10-minute lifetime. In its first minute a peer
   * also announces as others' subscriptions reach it (three times at most, at most every max(2 s, N x 100 ms)), so a
   * restarted peer's new address spreads at once. Only then: members answering every newcomer's subscription made each
   * join cost N announcements to N peers, and connections closing and reopening (trimConnections) made storms of them
   * (at 40 peers in one process, 144 announcements received a second). A newcomer knows the members' addresses from
   * its join.
   */
  async announcePresence(why: 'subscription' | 'periodic' = 'subscription'): Promise<void> {
    const { peer, node, gossip, topic } = this.deps
    const session = peer.sessionOrUndefined
    const now = Date.now()
    if (why === 'subscription' && (now - this.startedAt > ANNOUNCE_ON_SUBSCRIPTION_MS || this.subscriptionAnnouncements >= ANNOUNCE_ON_SUBSCRIPTION_MAX)) return
    const n = peer.roster.roster.members.length
    const spacing = why === 'periodic' ? Math.min(5 * 60_000, Math.max(PERIODIC_PRESENCE_MS, n * 500)) : Math.max(2_000, n * 100)
    if (session === undefined || node.status !== 'started' || now - this.lastPresence < spacing) return
    this.lastPresence = now
    if (why === 'subscription') this.subscriptionAnnouncements++
    const addrs = node.getMultiaddrs().map((a) => a.toString()).slice(0, 16)
    await gossip.publish(topic, signPresence(session.networkId, session.memberId, { peerId: node.peerId.toString(), addrs }, session.signing)).catch(() => undefined)
  }

  /**
   * Keeps this peer connected to the admin and to at least MEMBER_DEGREE other members (a random graph of that degree
   * stays connected when any one peer, the admin included, disappears), so elections, custody and catch-up never
   * depend on one hub. Not a full mesh: connections cost handshakes and protocol state on both sides, and requests to
   * members without a connection dial them on demand (presence tells where they are).
   */
  keepConnected(): void {
    const { peer, node, gate } = this.deps
    if (node.status !== 'started') return
    const roster = peer.roster.roster
    const self = node.peerId.toString()
    const connected = connectedPeerIds(node)
    const members = roster.members.flatMap((m) => m.peerIds).filter((id) => id !== self && gate.allowed(id))
    const admin = roster.members.find((m) => m.role === 'admin')?.peerIds.filter((id) => id !== self) ?? []
    const missing = Math.max(0, MEMBER_DEGREE - members.filter((id) => connected.has(id)).length)
    const candidates = members.filter((id) => !connected.has(id) && !admin.includes(id)).sort(() => Math.random() - 0.5)
    const now = Date.now()
    for (const id of [...admin.filter((id) => !connected.has(id)), ...candidates.slice(0, missing)]) {
      if (now - (this.lastDial.get(id) ?? 0) < 10_000) continue
      this.lastDial.set(id, now)
      void node.dial(peerIdFromString(id), { signal: AbortSignal.timeout(5_000) }).catch(() => undefined)
    }
  }

  /** Closes connections beyond CONNECTION_TARGET that nothing needs (see connection-trim.ts). The admin keeps all. */
  async trimConnections(): Promise<void> {
    const { peer, node } = this.deps
    if (node.status !== 'started') return
    const self = node.peerId.toString()
    const keep = new Set(peer.roster.roster.members.filter((m) => m.role === 'admin').flatMap((m) => m.peerIds))
    if (keep.has(self)) return
    if (connectedPeerIds(node).size <= CONNECTION_TARGET) return
    const conns = node.getConnections()
    // getMeshPeers is on gossipsub's class, not on the interface libp2p types the service with.
    const pubsub = node.services.pubsub as unknown as { getMeshPeers(topic: string): string[] }
    const meshes = new Map<string, number>()
    for (const topic of this.deps.topics) for (const id of pubsub.getMeshPeers(topic)) meshes.set(id, (meshes.get(id) ?? 0) + 1)
    const now = Date.now()
    const byPeer = new Map<string, PeerConnections>()
    for (const conn of conns) {
      const id = conn.remotePeer.toString()
      const busy = conn.streams.some((s) => !s.protocol?.includes('/meshsub/'))
      const prev = byPeer.get(id)
      byPeer.set(id, { peerId: id, ageMs: Math.min(prev?.ageMs ?? Infinity, now - conn.timeline.open), busy: busy || prev?.busy === true, meshes: meshes.get(id) ?? 0 })
    }
    // Peers libp2p keeps connected (kad-dht tags its 20 closest 'keep-alive-kad-dht' and redials them when they go):
    // trimming them only made them come back.
    for (const id of byPeer.keys()) {
      const tags = await node.peerStore.get(peerIdFromString(id)).then((p) => [...p.tags.keys()], () => [])
      if (tags.some((t) => t.startsWith(KEEP_ALIVE))) keep.add(id)
    }
    for (const id of connectionsToTrim([...byPeer.values()], keep)) {
      for (const conn of node.getConnections(peerIdFromString(id))) void conn.close().catch(() => undefined)
    }
  }
}
