// The memory probe of the network rows, run by bench/network.ts in a fresh process of its own (so neither the crypto
// rows nor the latency runs leave heap or RSS behind to reuse): `node --expose-gc bench/network-memory.ts peers|bare`.
// Prints one JSON line. The modules measured are imported only after the first reading.
//   peers: the process before and after loading the peer's modules, with the admin peer alone, with the 10 peers
//          formed, after an author published N decisions, and after a reader ingested them
//   bare:  the same for bare libp2p nodes with the same services (the floor)
import type { GossipSub } from '@libp2p/gossipsub'
import type { KadDHT } from '@libp2p/kad-dht'
import type { Libp2p } from '@libp2p/interface'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestNetwork } from '../test/helpers/network.ts'
import { settledMemory, sleep, stableMemory, type Memory } from './lib/memory.ts'

export interface MemoryProbe {
  /** Node alone. */
  before: Memory
  /** The modules loaded. */
  loaded: Memory
  /** One peer (node) started. */
  one: Memory
  /** All 10 formed, after warm-up, once memory stopped moving. */
  formed: Memory & { waitedMs: number; settled: boolean }
  formedMs: number
  /** Peers (nodes) in the network. */
  count: number
}

export interface PeersProbe extends MemoryProbe {
  /** The author and the reader alone, stopped. */
  quiet: Memory & { settled: boolean }
  /** After the author published N decisions (stopped: no network part). */
  authored: Memory & { settled: boolean }
  /** The same, with the N records read into the probe's hands. */
  toIngest: Memory
  /** After a reader ingested the same N records (store, index, decrypt for search), as on gossip. */
  ingested: Memory & { settled: boolean }
  decisions: number
  recordBytes: number
  /** The reader's copies of the N records in its record store. */
  readerCopies: number
}

const WARMUP = 10
/** As many bare nodes as the network has peers (PEERS in lib/net.ts, which this mode must not import). */
const BARE_NODES = 10
const DECISIONS = 1000

async function peers(): Promise<PeersProbe> {
  const before = await settledMemory()
  const { callAs } = await import('../test/helpers/network.ts')
  const { decisionInput, openNetwork } = await import('./lib/net.ts')
  const { decisionKey } = await import('../src-main/core/records/keys.ts')
  const { decodeEnvelope } = await import('../src-main/core/crypto/envelope.ts')
  const loaded = await settledMemory()
  const root = await mkdtemp(join(tmpdir(), 'bzzz-bench-mem-'))
  let net: TestNetwork | undefined
  let one: Memory | undefined
  try {
    const t0 = performance.now()
    net = await openNetwork(root, async (n) => {
      net = n
      one = await settledMemory()
    })
    const formedMs = performance.now() - t0
    const publisher = net.members[0]!
    for (let i = 0; i < WARMUP; i++) await callAs(publisher, 'decisions.publish', decisionInput(-1 - i))
    const formed = await stableMemory()

    // Memory per stored decision, in a quiet process: every other peer closed and these two stopped (no timers, no
    // traffic: a running network sheds and gains MB on its own, more than N decisions weigh). The author publishes N
    // decisions (the network part is skipped when stopped), then a reader ingests the N signed records exactly as it
    // does those arriving by gossip: verify, store durably, index, decrypt for search.
    const reader = net.members[3]!
    const count = net.all.length
    await Promise.all(net.all.filter((p) => p !== publisher && p !== reader).map((p) => p.close()))
    await publisher.stop()
    await reader.stop()
    const quiet = await stableMemory({ maxMs: 20_000 })
    const addresses: string[] = []
    for (let i = 0; i < DECISIONS; i++) addresses.push((await callAs(publisher, 'decisions.publish', decisionInput(i))).address)
    const authored = await stableMemory({ maxMs: 20_000 })
    const keys = addresses.map((a) => decisionKey(publisher.session.networkId, a))
    const records = await Promise.all(keys.map(async (k) => (await publisher.records.get(k))!))
    const toIngest = await settledMemory() // the records in hand are not the reader's
    for (let i = 0; i < DECISIONS; i++) await reader.decisions.ingest(reader.validator.decision(decodeEnvelope(records[i]!), keys[i]!), records[i]!)
    const ingested = await stableMemory({ maxMs: 20_000 })
    let readerCopies = 0
    for (const k of keys) if ((await reader.records.get(k)) !== undefined) readerCopies++
    if (!addresses.every((a) => reader.decisions.search.has(a))) throw new Error('the reader did not decrypt every decision')
    const sizes = records.map((b) => b.length).sort((a, b) => a - b)
    return { before, loaded, one: one!, formed, formedMs, count, quiet, authored, toIngest, ingested, decisions: DECISIONS, recordBytes: sizes[Math.floor(sizes.length / 2)]!, readerCopies }
  } finally {
    await net?.close()
    await rm(root, { recursive: true, force: true })
  }
}

type BareNode = Libp2p<{ dht: KadDHT; pubsub: GossipSub }>

async function bare(): Promise<MemoryProbe> {
  const before = await settledMemory()
  const [{ noise }, { yamux }, { gossipsub }, { identify }, { kadDHT, passthroughMapper }, { ping }, { tcp }, { createLibp2p }] = await Promise.all([
    import('@chainsafe/libp2p-noise'),
    import('@chainsafe/libp2p-yamux'),
    import('@libp2p/gossipsub'),
    import('@libp2p/identify'),
    import('@libp2p/kad-dht'),
    import('@libp2p/ping'),
    import('@libp2p/tcp'),
    import('libp2p'),
  ])
  const loaded = await settledMemory()
  const bareNode = async (): Promise<BareNode> =>
    createLibp2p({
      addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
      transports: [tcp()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      connectionManager: { allow: ['/ip4/127.0.0.0/ipcidr/8'] },
      services: {
        identify: identify(),
        ping: ping(),
        dht: kadDHT({ protocol: '/bench/kad/1.0.0', clientMode: false, peerInfoMapper: passthroughMapper, allowQueryWithZeroPeers: true }),
        pubsub: gossipsub({ allowPublishToZeroTopicPeers: true, scoreParams: { IPColocationFactorWeight: 0 } }),
      },
    })
  const nodes: BareNode[] = []
  try {
    const t0 = performance.now()
    let one: Memory | undefined
    for (let i = 0; i < BARE_NODES; i++) {
      const node = await bareNode()
      nodes.push(node)
      node.services.pubsub.subscribe('bench')
      if (i === 0) one = await settledMemory()
      else await node.dial(nodes[0]!.getMultiaddrs()[0]!)
    }
    const end = Date.now() + 15_000
    while (!nodes.every((n) => n.services.pubsub.getSubscribers('bench').length >= 1)) {
      if (Date.now() > end) throw new Error('bare nodes did not find each other')
      await sleep(50)
    }
    const formedMs = performance.now() - t0
    // A few DHT queries so routing tables fill as the peers' did, then let it settle.
    for (let i = 0; i < WARMUP; i++) {
      for await (const _ of nodes[1]!.services.dht.getClosestPeers(new TextEncoder().encode(`warm-${i}`), { signal: AbortSignal.timeout(5_000) })) {
        // drain the query
      }
    }
    return { before, loaded, one: one!, formed: await stableMemory(), formedMs, count: nodes.length }
  } finally {
    await Promise.all(nodes.map((n) => Promise.resolve(n.stop()).catch(() => undefined)))
  }
}

const mode = process.argv[2]
const out = mode === 'peers' ? await peers() : mode === 'bare' ? await bare() : undefined
if (out === undefined) {
  console.error('usage: node --expose-gc bench/network-memory.ts peers|bare')
  process.exitCode = 2
} else console.log(JSON.stringify(out))
