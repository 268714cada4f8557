// The libp2p node of a peer: TCP (and the in-memory transport for tests), noise, yamux, identify, ping, Kademlia
// DHT under our own protocol, gossipsub, mDNS, bootstrap, circuit relay v2, AutoNAT and DCUtR.
//
// Package choice: libp2p 3 with @libp2p/gossipsub (the monorepo successor of @chainsafe/libp2p-gossipsub).
// The ChainSafe package targets libp2p 2 and, with libp2p 3, subscribes but never forms a mesh; the network tests
// prove that published messages arrive.
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { withSafeAbort } from './safe-muxer.ts'
import { halfWindowUpdates } from './yamux-window.ts'
import { bootstrap } from '@libp2p/bootstrap'
import { circuitRelayServer, circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { autoNAT } from '@libp2p/autonat'
import { dcutr } from '@libp2p/dcutr'
import { gossipsub, StrictNoSign, type GossipSub } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import type { ConnectionGater, PrivateKey, Libp2p } from '@libp2p/interface'
import { kadDHT, passthroughMapper, removePrivateAddressesMapper, type PeerInfoMapper, type SingleKadDHT, type Selectors, type Validators } from '@libp2p/kad-dht'
import { mdns } from '@libp2p/mdns'
import { memory } from '@libp2p/memory'
import { ping, type Ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import type { Datastore, Key } from 'interface-datastore'
import { createLibp2p, type Libp2pOptions } from 'libp2p'
import { sha256 } from '../crypto/hash.ts'
import { guardInboundStreams, type InboundGuard } from './inbound-guard.ts'

export interface NetworkServices {
  identify: ReturnType<ReturnType<typeof identify>>
  ping: Ping
  dht: SingleKadDHT
  pubsub: GossipSub
  [key: string]: unknown
}

export type NetworkNode = Libp2p<NetworkServices>

export interface NetworkNodeOptions {
  networkId: string
  privateKey: PrivateKey
  listen: string[]
  bootstrap: string[]
  /** Addresses this node will dial without bootstrapping from them (a joiner's admin): their transports are loaded. */
  dials?: string[]
  mdns: boolean
  /** Serve as a circuit-relay v2 hop for other members. */
  relay: boolean
  datastore: Datastore
  connectionGater: ConnectionGater
  validators: Validators
  selectors: Selectors
  /** Keep loopback/private addresses in the DHT (LAN and tests). */
  lan: boolean
  maxMessageBytes: number
  /** Who may open which protocol, who the DHT may route to, and where refused input is reported (the runtime). */
  defence?: NodeDefence
}

export interface NodeDefence extends InboundGuard {
  /** Peers the DHT may keep in its routing table and name to others: members that are not banned. */
  routable(peerId: string): boolean
  isBanned(peerId: string): boolean
}

/** Protocols libp2p needs on every connection, so they stay open to a joiner that is not a member yet. */
export const OPEN_PROTOCOLS: readonly string[] = ['/bzzz/id/1.0.0', '/bzzz/id/push/1.0.0', '/ipfs/ping/1.0.0']

const DHT_PREFIX = '/bzzz-dht'

/** Protocol names and topics carry the network id: peers of other networks never share a DHT or a topic. */
export function protocolNames(networkId: string) {
  const base = `/bzzz/${networkId}`
  return {
    kad: `${base}/kad/1.0.0`,
    join: `${base}/join/1.0.0`,
    sync: `${base}/sync/1.0.0`,
    vote: `${base}/vote/1.0.0`,
    share: `${base}/share/1.0.0`,
    topics: {
      decisions: `${base}/decisions`,
      roster: `${base}/roster`,
      heartbeat: `${base}/heartbeat`,
      election: `${base}/election`,
      presence: `${base}/presence`,
    },
  }
}

/**
 * Peer ids with an open connection. libp2p's getPeers() builds a PeerId from a string for every connection on every
 * call (5% of the CPU of a join into 40 peers in one process, called per heartbeat); the connections' own ids are
 * already built.
 */
export function connectedPeerIds(node: NetworkNode): Set<string> {
  const ids = new Set<string>()
  for (const c of node.getConnections()) if (c.status === 'open') ids.add(c.remotePeer.toString())
  return ids
}

export async function createNetworkNode(opts: NetworkNodeOptions): Promise<NetworkNode> {
  halfWindowUpdates()
  const names = protocolNames(opts.networkId)
  const usesMemory = [...opts.listen, ...opts.bootstrap, ...(opts.dials ?? [])].some((a) => a.startsWith('/memory/'))
  const transports: NonNullable<Libp2pOptions['transports']> = [tcp(), circuitRelayTransport()]
  if (usesMemory) transports.push(memory())
  const peerDiscovery: NonNullable<Libp2pOptions['peerDiscovery']> = []
  if (opts.mdns) peerDiscovery.push(mdns({ serviceTag: `bzzz-${opts.networkId}`.slice(0, 60) }))
  if (opts.bootstrap.length > 0) peerDiscovery.push(bootstrap({ list: opts.bootstrap, timeout: 250 }))

  const baseMapper = opts.lan ? passthroughMapper : removePrivateAddressesMapper
  const defence = opts.defence
  // Non-members and banned peers never enter the routing table, and are never named to others as closer peers.
  const peerInfoMapper: PeerInfoMapper = defence === undefined ? baseMapper : (info) => (defence.routable(info.id.toString()) ? baseMapper(info) : { ...info, multiaddrs: [] })
  const services: Record<string, unknown> = {
    identify: identify({ protocolPrefix: 'bzzz' }),
    ping: ping(),
    dht: kadDHT({
      protocol: names.kad,
      clientMode: false,
      validators: opts.validators,
      selectors: opts.selectors,
      peerInfoMapper,
      // Must stay false: with true, kad-dht plus a '/p2p-circuit' listener spins forever at start (the relay
      // search's random walk completes at once with zero peers and restarts in a microtask loop). DhtClient skips
      // the DHT while the routing table is empty instead.
      allowQueryWithZeroPeers: false,
      logPrefix: 'bzzz:kad',
      datastorePrefix: DHT_PREFIX,
      // One request per stream: an honest client writes it at once. A stream that sends nothing is dropped sooner.
      incomingMessageTimeout: 5_000,
    }),
    pubsub: gossipsub({
      globalSignaturePolicy: StrictNoSign, // every payload is an envelope signed by a member; see gossip.ts
      msgIdFn: (msg) => sha256(msg.data),
      allowPublishToZeroTopicPeers: true,
      emitSelf: false,
      allowedTopics: Object.values(names.topics),
      maxInboundDataLength: opts.maxMessageBytes,
      fallbackToFloodsub: false,
      // Idle cost, measured with 15 \`bzzz peer\` processes (CPU of a core per process, idle): 3.5% with gossipsub's
      // defaults and a ping per connection every 10 s; 2.3% without flood publishing and with pings every minute; 1.9%
      // with gossipsub's own heartbeat every 3 s. Both are back at gossipsub's defaults: mesh repair, a newcomer's
      // grafting and the lazy IHAVE gossip wait for gossipsub's heartbeat, and without flood publishing a publisher
      // sends only to its mesh, so a member that had just joined missed the admin's election heartbeats for a while.
      // With 1 s election timeouts (the fault tests, the end-to-end story) the clean-clone CI then saw the admin lose
      // its lease while the network formed. Flood publishing costs the admin one send per member per heartbeat.
      floodPublish: true,
      // IDONTWANT (gossipsub 1.2) tells the mesh not to send a message we already have: worth its own frame to every
      // mesh peer for a large decision, not for the 1 KB election heartbeat every member receives each second.
      idontwantMinDataSize: 16 * 1024,
      runOnLimitedConnection: true,
      scoreParams: {
        // Many members can share one IP (a LAN behind NAT, or a test on loopback): do not punish that.
        IPColocationFactorWeight: 0,
        topics: Object.fromEntries(Object.values(names.topics).map((t) => [t, INVALID_DELIVERIES_ONLY])),
        // A banned peer is graylisted too: nothing it still manages to send is processed.
        appSpecificScore: (peerId: string) => (defence?.isBanned(peerId) === true ? -1000 : 0),
      },
    }),
    autonat: autoNAT({ protocolPrefix: 'bzzz' }),
    dcutr: dcutr(),
  }
  if (opts.relay) services.relay = circuitRelayServer({ reservations: { maxReservations: 256, applyDefaultLimit: false } })

  const node = await createLibp2p({
    privateKey: opts.privateKey,
    addresses: { listen: opts.listen },
    transports,
    connectionEncrypters: [noise()],
    // yamux allows 1000 inbound streams per connection; honest peers use a few dozen (kad-dht caps itself at 32).
    streamMuxers: [withSafeAbort(yamux({ maxInboundStreams: 256 }))],
    peerDiscovery,
    datastore: withoutProviderRecords(opts.datastore, `${DHT_PREFIX}/provider`),
    connectionGater: opts.connectionGater,
    // Pings still measure round trips, but a late one no longer aborts the connection: on a busy peer a ping waits
    // behind other work, and aborting then re-dialing (a new handshake each) fed the load that delayed it. Peers that
    // are gone close their connections (TCP) or fall silent in presence and heartbeats, which the runtime acts on. Every
    // 5 minutes, not every 10 s: each ping is a new stream on every connection (at 40 peers in one process, once a
    // minute was 32 streams a second).
    connectionMonitor: { abortConnectionOnPingFailure: false, pingInterval: 300_000 },
    connectionManager: {
      maxConnections: 400,
      // Members behind one NAT, or test networks on loopback, all share an address: never rate-limit those.
      allow: opts.lan ? ['/ip4/127.0.0.0/ipcidr/8', '/ip4/10.0.0.0/ipcidr/8', '/ip4/192.168.0.0/ipcidr/16', '/ip4/172.16.0.0/ipcidr/12'] : [],
      inboundConnectionThreshold: 100,
      dialTimeout: 10_000,
    },
    services: services as never,
    start: false,
  }) as NetworkNode
  if (defence !== undefined) guardInboundStreams(node, defence)
  return node
}

/**
 * Gossipsub counts rejected messages per topic (P4) only for topics with score parameters: without them a peer that
 * floods forged messages keeps a perfect score. Only P4 is on; quiet topics must not cost honest peers anything.
 */
const INVALID_DELIVERIES_ONLY = {
  topicWeight: 1,
  timeInMeshWeight: 0,
  timeInMeshQuantum: 1,
  timeInMeshCap: 3600,
  firstMessageDeliveriesWeight: 0,
  firstMessageDeliveriesDecay: 0.5,
  firstMessageDeliveriesCap: 2000,
  meshMessageDeliveriesWeight: 0,
  meshMessageDeliveriesDecay: 0.5,
  meshMessageDeliveriesCap: 100,
  meshMessageDeliveriesThreshold: 20,
  meshMessageDeliveriesWindow: 10,
  meshMessageDeliveriesActivation: 5000,
  meshFailurePenaltyWeight: 0,
  meshFailurePenaltyDecay: 0.5,
  invalidMessageDeliveriesWeight: -1,
  invalidMessageDeliveriesDecay: 0.3,
}

/**
 * kad-dht stores any provider record (ADD_PROVIDER) a peer sends, without bound. We never use provider records, so
 * their writes are dropped: a peer cannot fill our disk with them.
 */
function withoutProviderRecords(store: Datastore, prefix: string): Datastore {
  return new Proxy(store, {
    get(target, prop) {
      if (prop === 'put') return async (key: Key, value: Uint8Array, options?: unknown) => (key.toString().startsWith(prefix) ? key : target.put(key, value, options as never))
      const v = Reflect.get(target, prop, target) as unknown
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v
    },
  })
}
