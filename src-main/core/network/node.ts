// The libp2p node of a peer: TCP (and the in-memory transport for tests), noise, yamux, identify, ping, Kademlia
// DHT under our own protocol, gossipsub, mDNS, bootstrap, circuit relay v2, AutoNAT and DCUtR.
//
// Package choice: libp2p 3 with @libp2p/gossipsub (the monorepo successor of @chainsafe/libp2p-gossipsub).
// The ChainSafe package targets libp2p 2 and, with libp2p 3, subscribes but never forms a mesh; the network tests
// prove that published messages arrive.
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { bootstrap } from '@libp2p/bootstrap'
import { circuitRelayServer, circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { autoNAT } from '@libp2p/autonat'
import { dcutr } from '@libp2p/dcutr'
import { gossipsub, StrictNoSign, type GossipSub } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import type { ConnectionGater, PrivateKey, Libp2p } from '@libp2p/interface'
import { kadDHT, passthroughMapper, removePrivateAddressesMapper, type SingleKadDHT, type Selectors, type Validators } from '@libp2p/kad-dht'
import { mdns } from '@libp2p/mdns'
import { memory } from '@libp2p/memory'
import { ping, type Ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import type { Datastore } from 'interface-datastore'
import { createLibp2p, type Libp2pOptions } from 'libp2p'
import { sha256 } from '../crypto/hash.ts'

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
}

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

export async function createNetworkNode(opts: NetworkNodeOptions): Promise<NetworkNode> {
  const names = protocolNames(opts.networkId)
  const usesMemory = opts.listen.some((a) => a.startsWith('/memory/')) || opts.bootstrap.some((a) => a.includes('/memory/'))
  const transports: NonNullable<Libp2pOptions['transports']> = [tcp(), circuitRelayTransport()]
  if (usesMemory) transports.push(memory())
  const peerDiscovery: NonNullable<Libp2pOptions['peerDiscovery']> = []
  if (opts.mdns) peerDiscovery.push(mdns({ serviceTag: `bzzz-${opts.networkId}`.slice(0, 60) }))
  if (opts.bootstrap.length > 0) peerDiscovery.push(bootstrap({ list: opts.bootstrap, timeout: 250 }))

  const services: Record<string, unknown> = {
    identify: identify({ protocolPrefix: 'bzzz' }),
    ping: ping(),
    dht: kadDHT({
      protocol: names.kad,
      clientMode: false,
      validators: opts.validators,
      selectors: opts.selectors,
      peerInfoMapper: opts.lan ? passthroughMapper : removePrivateAddressesMapper,
      // Must stay false: with true, kad-dht plus a '/p2p-circuit' listener spins forever at start (the relay
      // search's random walk completes at once with zero peers and restarts in a microtask loop). DhtClient skips
      // the DHT while the routing table is empty instead.
      allowQueryWithZeroPeers: false,
      logPrefix: 'bzzz:kad',
      datastorePrefix: '/bzzz-dht',
    }),
    pubsub: gossipsub({
      globalSignaturePolicy: StrictNoSign, // every payload is an envelope signed by a member; see gossip.ts
      msgIdFn: (msg) => sha256(msg.data),
      allowPublishToZeroTopicPeers: true,
      emitSelf: false,
      allowedTopics: Object.values(names.topics),
      maxInboundDataLength: opts.maxMessageBytes,
      fallbackToFloodsub: false,
      floodPublish: true,
      runOnLimitedConnection: true,
      // Many members can share one IP (a LAN behind NAT, or a test on loopback): do not punish that.
      scoreParams: { IPColocationFactorWeight: 0 },
    }),
    autonat: autoNAT({ protocolPrefix: 'bzzz' }),
    dcutr: dcutr(),
  }
  if (opts.relay) services.relay = circuitRelayServer({ reservations: { maxReservations: 256, applyDefaultLimit: false } })

  return createLibp2p({
    privateKey: opts.privateKey,
    addresses: { listen: opts.listen },
    transports,
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    peerDiscovery,
    datastore: opts.datastore,
    connectionGater: opts.connectionGater,
    connectionManager: {
      maxConnections: 400,
      // Members behind one NAT, or test networks on loopback, all share an address: never rate-limit those.
      allow: opts.lan ? ['/ip4/127.0.0.0/ipcidr/8', '/ip4/10.0.0.0/ipcidr/8', '/ip4/192.168.0.0/ipcidr/16', '/ip4/172.16.0.0/ipcidr/12'] : [],
      inboundConnectionThreshold: 100,
      dialTimeout: 10_000,
    },
    services: services as never,
    start: false,
  }) as Promise<NetworkNode>
}
