// Which connections a peer closes so that it holds O(degree) of them, not one to every member. Left alone, a peer
// ends up connected to nearly every other: kad-dht lookups, votes and joins each dial, and nothing closes. Measured
// with 40 peers in one process: 935 connections (a full mesh is 780) and 60% of a core spent idle, most of it on
// per-connection work (gossipsub's heartbeat walks every connected subscriber, a ping per connection, muxer
// keep-alives); at 20 peers it was 15%. Kept: the admin (every follower acknowledges its heartbeats), a connection
// with a request in flight, and young connections. Peers in fewer gossip meshes go first: a mesh that loses a peer
// grafts another from the connected ones at gossipsub's next heartbeat, so the meshes of all topics settle on the
// peers kept (protecting every mesh peer kept nearly everyone: each topic's mesh is a different random few). Also
// kept: the peers libp2p itself keeps connected (kad-dht's 20 closest, tagged keep-alive and redialed when cut).
// The admin trims nothing: every member talks to it.

/** Connections a peer keeps before trimming: twice the member degree, room for gossip meshes (D = 6, at most 12). */
export const CONNECTION_TARGET = 16
/** A connection younger than this is not trimmed (it was dialed for something that may not have started yet). */
export const TRIM_MIN_AGE_MS = 60_000

export interface PeerConnections {
  peerId: string
  /** Age of the peer's youngest connection. */
  ageMs: number
  /** A stream other than gossip's long-lived ones is open: a request in flight. */
  busy: boolean
  /** Gossip topics whose mesh includes this peer. */
  meshes: number
}

/** Peer ids whose connections to close, in no particular order (random among those that may go). */
export function connectionsToTrim(peers: PeerConnections[], keep: ReadonlySet<string>, target = CONNECTION_TARGET, random: () => number = Math.random): string[] {
  const excess = peers.length - target
  if (excess <= 0) return []
  const may = peers.filter((p) => !keep.has(p.peerId) && !p.busy && p.ageMs >= TRIM_MIN_AGE_MS)
  for (let i = may.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[may[i], may[j]] = [may[j]!, may[i]!]
  }
  // Stable: random among peers in as many meshes.
  may.sort((a, b) => a.meshes - b.meshes)
  return may.slice(0, excess).map((p) => p.peerId)
}
