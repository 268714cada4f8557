// Network rows: a 10-peer loopback network (admin + 9 members, every peer a full Peer with its LevelDB and a libp2p
// node on loopback TCP, all in this one process, built by the integration tests' createTestNetwork), measured
// through the contract calls (callAs), each row beside the seeds' claim and a floor measured in the same run:
//   publish          floor: a raw kad-dht put of the same record bytes on the same network, to its 3rd ack
//   DHT put          floor: the raw kad-dht put to all K closest (our put returns at 3 replicas)
//   retrieve cached  floor: LruTtlCache.get alone, timed per call like ours
//   retrieve local   floor: a LevelDB get of the record + age decrypt of its sealed payload
//   retrieve DHT     floor: a raw kad-dht get of the same key from the same peer
//   throughput, CPU  floor: raw kad-dht puts to 3 acks with the same number in flight
//   memory           floor: bare libp2p nodes with the same services; the signed record's size
// Memory is measured in fresh processes (bench/network-memory.ts). Every peer is closed and every temporary directory
// removed, also when a step fails.
import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { Level } from 'level'
import { ageDecrypt } from '../src-main/core/crypto/age.ts'
import { fromBase64 } from '../src-main/core/crypto/encoding.ts'
import { decodeEnvelope } from '../src-main/core/crypto/envelope.ts'
import type { DecisionNetwork } from '../src-main/core/decisions/service.ts'
import type { Peer } from '../src-main/core/peer.ts'
import { decisionKey, keyBytes, logKey } from '../src-main/core/records/keys.ts'
import type { DecisionRecord } from '../src-main/core/records/schemas.ts'
import { callAs, waitFor, type TestNetwork } from '../test/helpers/network.ts'
import { decisionInput, KB, MB, openNetwork, sleep } from './lib/net.ts'
import type { Memory } from './lib/memory.ts'
import { percentiles } from './lib/measure.ts'
import type { Row } from './lib/report.ts'
import type { MemoryProbe, PeersProbe } from './network-memory.ts'

const REPLICAS = 3
const WARMUP = 10
const PUBLISHES = 200
const DHT_FLOOR_SAMPLES = 80
const CACHED_ROUNDS = 10
const IN_FLIGHT = 16
const THROUGHPUT_MS = 10_000
const FLOOR_THROUGHPUT_MS = 5_000
/** Time budgets of the sequential phases, so a loaded machine gets fewer samples rather than an endless run. */
const PUBLISH_BUDGET_MS = 40_000
const DHT_FLOOR_BUDGET_MS = 12_000
const UNCACHED_BUDGET_MS = 25_000
/** Between two sequential operations: the background part of the last one (puts beyond 3 replicas) ends. */
const QUIET_MS = 20

const SEEDS = {
  publish: { p50: 145, p95: 445, p99: 892 },
  cached: { p50: 12, p95: 45, p99: 89 },
  uncached: { p50: 156, p95: 467, p99: 934 },
  opsPerSecond: 1000,
  baseMB: 85,
  perDecisionKB: 4,
}

const run = promisify(execFile)

/** Runs the memory probe in a fresh Node process; its temporary directories go under `root`. */
async function probe<T>(mode: 'peers' | 'bare', root: string): Promise<T> {
  const script = join(import.meta.dirname, 'network-memory.ts')
  const { stdout } = await run(process.execPath, ['--expose-gc', script, mode], { env: { ...process.env, TMPDIR: root }, timeout: 150_000, maxBuffer: 1 << 20 })
  const last = stdout.trim().split('\n').at(-1) ?? ''
  return JSON.parse(last) as T
}

/** A raw kad-dht put: every event until the query ends; the time to the target's acknowledgement and to the end. */
async function rawPut(peer: Peer, key: string, value: Uint8Array, target: number): Promise<{ toTargetMs: number; totalMs: number; acks: number }> {
  const dht = peer.network!.node.services.dht
  const t0 = performance.now()
  let acks = 0
  let toTarget = Number.NaN
  for await (const event of dht.put(keyBytes(key), value, { signal: AbortSignal.timeout(5_000) })) {
    if (event.name === 'PEER_RESPONSE' && event.messageName === 'PUT_VALUE') {
      acks++
      if (acks === target) toTarget = performance.now() - t0
    }
  }
  const totalMs = performance.now() - t0
  return { toTargetMs: Number.isNaN(toTarget) ? totalMs : toTarget, totalMs, acks }
}

/** A raw kad-dht get: every event until the query ends, as DhtClient.get does. */
async function rawGet(peer: Peer, key: string): Promise<{ ms: number; found: boolean }> {
  const dht = peer.network!.node.services.dht
  const t0 = performance.now()
  let found = false
  for await (const event of dht.get(keyBytes(key), { signal: AbortSignal.timeout(5_000) })) {
    if (event.name === 'VALUE') found = true
  }
  return { ms: performance.now() - t0, found }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)] ?? 0
}

const f1 = (n: number) => n.toFixed(1)
const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000

/** Three rows (P50, P95, P99) of one latency distribution beside the seeds' and the floor's at the same percentile. */
function latencyRows(name: string, ours: number[], seed: { p50: number; p95: number; p99: number } | undefined, floor: number[], floorNote: string, method: string): Row[] {
  const o = percentiles(ours)
  const f = percentiles(floor)
  return (['p50', 'p95', 'p99'] as const).map((q) => ({
    suite: 'network',
    operation: `${name} ${q.toUpperCase()}`,
    ours: o[q],
    unit: 'ms' as const,
    ...(seed === undefined ? {} : { seed: seed[q] }),
    floor: f[q],
    floorNote,
    method: q === 'p50' ? `${method} (n=${o.n}, floor n=${f.n})` : 'as the P50 row',
  }))
}

/** What one durable (sync) LevelDB write costs on this disk: the unit of our publish's local part. */
async function syncWriteMs(dir: string): Promise<number> {
  const db = new Level<string, string>(dir)
  await db.open()
  try {
    const samples: number[] = []
    for (let i = 0; i < 30; i++) {
      const t0 = performance.now()
      await db.put(`k${i}`, 'x'.repeat(512), { sync: true } as never)
      samples.push(performance.now() - t0)
    }
    return median(samples)
  } finally {
    await db.close()
  }
}

export async function networkRows(): Promise<Row[]> {
  const rows: Row[] = []
  const root = await mkdtemp(join(tmpdir(), 'bzzz-bench-net-'))
  let net: TestNetwork | undefined
  try {
    // -- memory, in fresh processes, before anything here runs on the network --------------------------------------
    // Both probes at once: they measure memory, not time, and together they take a third less of the budget.
    const [mem, bare] = await Promise.all([probe<PeersProbe>('peers', root), probe<MemoryProbe>('bare', root)])
    const syncMs = await syncWriteMs(join(root, 'sync-probe'))

    net = await openNetwork(root, (n) => {
      net = n
    })
    const publisher = net.members[0]! // architect
    const remote = net.members[1]! // architect: reads from the DHT only (unsubscribed from the decisions topic)
    const reader = net.members[3]! // backend developer: reads its local copy, then its cache
    const readers = net.all.filter((p) => p !== publisher && p !== remote)
    const networkId = publisher.session.networkId

    // Warm up: the first puts of a fresh network fill the routing tables.
    for (let i = 0; i < WARMUP; i++) await callAs(publisher, 'decisions.publish', decisionInput(-1 - i))
    // The DHT reader hears nothing of what follows on gossip: every record it reads comes from the DHT.
    remote.network!.node.services.pubsub.unsubscribe(remote.network!.names.topics.decisions)
    await sleep(1_500)

    // -- publish latency, and where its time goes ---------------------------------------------------------------
    const original = publisher.decisions.network!
    const fresh = () => ({ recordPutMs: 0, logPutMs: 0, announceMs: 0, localMs: 0, auditMs: 0, syncWrites: 0 })
    let current = fresh()
    const timedLocal =
      <A extends unknown[], R>(fn: (...a: A) => Promise<R>, into: 'localMs' | 'auditMs' = 'localMs') =>
      async (...a: A): Promise<R> => {
        const t0 = performance.now()
        current.syncWrites++
        try {
          return await fn(...a)
        } finally {
          current[into] += performance.now() - t0
        }
      }
    const wrapped: DecisionNetwork = {
      put: async (key, bytes, opts) => {
        const t0 = performance.now()
        const r = await original.put(key, bytes, opts)
        const ms = performance.now() - t0
        if (key.includes('/log/')) current.logPutMs = Math.max(current.logPutMs, ms)
        else current.recordPutMs = ms
        return r
      },
      get: (key, opts) => original.get(key, opts),
      announce: async (bytes) => {
        const t0 = performance.now()
        await original.announce(bytes)
        current.announceMs += performance.now() - t0
      },
    }
    const { records, index, audit } = publisher
    const saved = { put: records.put, add: index.add, setLogPositions: index.setLogPositions, append: audit.append }
    records.put = timedLocal(saved.put.bind(records))
    index.add = timedLocal(saved.add.bind(index))
    index.setLogPositions = timedLocal(saved.setLogPositions.bind(index))
    audit.append = timedLocal(saved.append.bind(audit), 'auditMs')
    publisher.decisions.network = wrapped
    const publishMs: number[] = []
    const replicas: number[] = []
    const parts: (typeof current & { putMs: number; otherMs: number })[] = []
    const addresses: string[] = []
    try {
      const publishEnd = performance.now() + PUBLISH_BUDGET_MS
      for (let i = 0; i < PUBLISHES && performance.now() < publishEnd; i++) {
        current = fresh()
        const t0 = performance.now()
        const out = await callAs(publisher, 'decisions.publish', decisionInput(i))
        const ms = performance.now() - t0
        publishMs.push(ms)
        replicas.push(out.replicas)
        addresses.push(out.address)
        const putMs = Math.max(current.recordPutMs, current.logPutMs)
        parts.push({ ...current, putMs, otherMs: ms - putMs - current.announceMs - current.localMs - current.auditMs })
        // One publish at a time in the whole network, as if every peer had its own machine: the next one starts when
        // this one's gossip is ingested everywhere and its DHT put has reached the rest in the background.
        await waitFor('the publish to reach the subscribed peers', () => readers.every((p) => p.index.has(out.address)), 10_000, 2)
        await sleep(QUIET_MS)
      }
    } finally {
      publisher.decisions.network = original
      records.put = saved.put
      index.add = saved.add
      index.setLogPositions = saved.setLogPositions
      audit.append = saved.append
    }

    const keys = addresses.map((a) => decisionKey(networkId, a))
    const recordBytes = await Promise.all(keys.map(async (k) => (await publisher.records.get(k))!))
    const recordSize = median(recordBytes.map((b) => b.length))
    const logHead = await publisher.records.get(logKey(networkId, publisher.session.memberId))

    // -- DHT floors: raw kad put (to its 3rd ack and to the end) beside our put until 3 replicas ----------------------
    const rawTo3: number[] = []
    const rawAll: number[] = []
    const rawAcks: number[] = []
    const ourPut: number[] = []
    const ourPutReplicas: number[] = []
    const floorPutEnd = performance.now() + DHT_FLOOR_BUDGET_MS
    for (let i = 0; i < Math.min(DHT_FLOOR_SAMPLES, keys.length) && performance.now() < floorPutEnd; i++) {
      const raw = await rawPut(publisher, keys[i]!, recordBytes[i]!, REPLICAS)
      rawTo3.push(raw.toTargetMs)
      rawAll.push(raw.totalMs)
      rawAcks.push(raw.acks)
      const t0 = performance.now()
      const r = await publisher.network!.dht.put(keys[i]!, recordBytes[i]!, { target: REPLICAS, timeoutMs: 5_000 })
      ourPut.push(performance.now() - t0)
      ourPutReplicas.push(r.replicas)
      await sleep(QUIET_MS) // our put keeps sending to the rest in the background: let it end before the next raw put
    }

    // -- retrieve: from the DHT (the reader holds no copy), from the local record store, from the cache ---------------
    const uncached: number[] = []
    const rawGets: number[] = []
    let deleted = 0
    let rawMisses = 0
    const remoteRecords = remote.store.bytes('records')
    const uncachedEnd = performance.now() + UNCACHED_BUDGET_MS
    for (let i = 0; i < keys.length && performance.now() < uncachedEnd; i++) {
      const key = keys[i]!
      if ((await remote.records.get(key)) !== undefined) {
        await remoteRecords.del(key)
        deleted++
      }
      remote.decisions.cache.clear()
      const raw = await rawGet(remote, key)
      rawGets.push(raw.ms)
      if (!raw.found) rawMisses++
      const t0 = performance.now()
      const got = await callAs(remote, 'decisions.get', { address: addresses[i]! })
      uncached.push(performance.now() - t0)
      if (got.header.address !== addresses[i]) throw new Error('retrieved the wrong decision')
    }

    const local: number[] = []
    const localFloor: number[] = []
    const identities = reader.session.decryptionIdentities()
    for (let i = 0; i < keys.length; i++) {
      const sealed = fromBase64((decodeEnvelope(recordBytes[i]!).payload as DecisionRecord).sealed)
      const f0 = performance.now()
      await reader.records.get(keys[i]!)
      if ((await ageDecrypt(sealed, identities)) === null) throw new Error('floor: cannot decrypt')
      localFloor.push(performance.now() - f0)
      reader.decisions.cache.clear()
      const t0 = performance.now()
      await callAs(reader, 'decisions.get', { address: addresses[i]! })
      local.push(performance.now() - t0)
    }
    for (const address of addresses) await callAs(reader, 'decisions.get', { address }) // fill the cache
    const cached: number[] = []
    const cachedFloor: number[] = []
    const cache = reader.decisions.cache
    for (let round = 0; round < CACHED_ROUNDS; round++) {
      for (const address of addresses) {
        const f0 = performance.now()
        if (cache.get(address) === undefined) throw new Error('floor: cache miss')
        cachedFloor.push(performance.now() - f0)
        const t0 = performance.now()
        await callAs(reader, 'decisions.get', { address })
        cached.push(performance.now() - t0)
      }
    }

    // -- throughput: publishes per second sustained by one node, and the process CPU each costs ------------------------
    const loadMs: number[] = []
    let done = 0
    let failures = 0
    const loadCpu0 = process.cpuUsage()
    const loadStart = performance.now()
    const loadEnd = loadStart + THROUGHPUT_MS
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async (_, w) => {
        for (let i = 0; performance.now() < loadEnd; i++) {
          const s = performance.now()
          try {
            await callAs(publisher, 'decisions.publish', decisionInput(10_000 * (w + 1) + i))
            loadMs.push(performance.now() - s)
            done++
          } catch {
            failures++
          }
        }
      }),
    )
    const loadElapsed = performance.now() - loadStart
    const loadCpuPerOp = cpuMs(process.cpuUsage(loadCpu0)) / done
    const opsPerSecond = (done * 1000) / loadElapsed
    const load = percentiles(loadMs)
    await sleep(2_000) // the background puts and the gossip of the load drain

    // Floor: raw kad puts with as many in flight, each awaited to its 3rd ack and then drained in the background.
    let floorOps = 0
    const background: Promise<unknown>[] = []
    const floorCpu0 = process.cpuUsage()
    const floorStart = performance.now()
    const floorEnd = floorStart + FLOOR_THROUGHPUT_MS
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async (_, w) => {
        for (let i = w; performance.now() < floorEnd; i += IN_FLIGHT) {
          const k = i % keys.length
          await new Promise<void>((resolve) => {
            let acks = 0
            background.push(
              (async () => {
                try {
                  for await (const event of publisher.network!.node.services.dht.put(keyBytes(keys[k]!), recordBytes[k]!, { signal: AbortSignal.timeout(5_000) })) {
                    if (event.name === 'PEER_RESPONSE' && event.messageName === 'PUT_VALUE' && ++acks === REPLICAS) resolve()
                  }
                } catch {
                  // timed out: done all the same
                }
                resolve()
              })(),
            )
          })
          floorOps++
        }
      }),
    )
    const floorElapsed = performance.now() - floorStart
    await Promise.all(background)
    const floorCpuPerOp = cpuMs(process.cpuUsage(floorCpu0)) / floorOps // includes draining the last puts
    const floorOpsPerSecond = (floorOps * 1000) / floorElapsed

    // -- rows -------------------------------------------------------------------------------------------------
    const part = (k: keyof (typeof parts)[number]) => median(parts.map((p) => p[k]))
    rows.push(
      ...latencyRows(
        'publish 1 KB, 3 replicas',
        publishMs,
        SEEDS.publish,
        rawTo3,
        'raw kad-dht put of the same record, to its 3rd ack',
        `decisions.publish through callAs on one architect, one publish at a time in the whole network (the next starts once the last is ingested everywhere, + ${QUIET_MS} ms): validate, seal to 4 role keys, sign, durable LevelDB writes, DHT put of the record and of the author-log head until ${REPLICAS} replicas each (in parallel), gossip; ` +
          `replicas min ${Math.min(...replicas)} / median ${median(replicas)}. Medians: DHT puts ${f1(part('putMs'))} ms (record ${f1(part('recordPutMs'))}, log head ${f1(part('logPutMs'))}; record ${(recordSize / KB).toFixed(1)} KB, log head ${((logHead?.length ?? 0) / KB).toFixed(1)} KB), ` +
          `${part('syncWrites') - 1} serialized sync LevelDB writes ${f1(part('localMs'))} ms + the audit entry (sync, after the network) ${f1(part('auditMs'))} ms (one sync write alone: ${f1(syncMs)} ms), gossip ${f1(part('announceMs'))} ms, the rest (validate, seal, sign, log) ${f1(part('otherMs'))} ms. ` +
          `The 10 peers share this process's one thread: receivers' validation of its DHT puts counts too`,
      ),
    )
    const our3 = percentiles(ourPut)
    const all = percentiles(rawAll)
    rows.push({
      suite: 'network',
      operation: `DHT put until ${REPLICAS} replicas P50`,
      ours: our3.p50,
      unit: 'ms',
      floor: all.p50,
      floorNote: 'raw kad-dht put to all K closest',
      method: `DhtClient.put of a published record again, alternating with the raw put (n=${our3.n}); ours P95 ${f1(our3.p95)} ms, ${median(ourPutReplicas)} replicas; the raw put reached ${Math.min(...rawAcks)}–${Math.max(...rawAcks)} peers (K=20 > 9: every other peer), P95 ${f1(all.p95)} ms, its 3rd ack at P50 ${f1(percentiles(rawTo3).p50)} ms`,
    })
    rows.push(
      ...latencyRows(
        'retrieve cached',
        cached,
        SEEDS.cached,
        cachedFloor,
        'LruTtlCache.get alone',
        `decisions.get through callAs on a backend developer, the decrypted decision in its LRU + TTL cache; ${CACHED_ROUNDS} rounds over ${addresses.length} decisions, each call timed`,
      ),
      ...latencyRows(
        'retrieve from the local record store',
        local,
        undefined,
        localFloor,
        'LevelDB get + age decrypt',
        'decisions.get through callAs on a backend developer with its cache cleared: LevelDB get, decode, verify the signature, check the permission, age decrypt, parse, cache',
      ),
      ...latencyRows(
        'retrieve uncached (DHT)',
        uncached,
        SEEDS.uncached,
        rawGets,
        'raw kad-dht get of the same key, same peer',
        `decisions.get through callAs on an architect unsubscribed from the decisions topic, cache cleared, the record not in its record store (${deleted} of ${uncached.length} had to be deleted): DHT get to the end of the query, verify, store durably, index, decrypt for search, decrypt, cache; the raw get found ${rawGets.length - rawMisses}/${rawGets.length}, alternating with ours`,
      ),
    )
    rows.push({
      suite: 'network',
      operation: 'publishes per second sustained by one node',
      ours: opsPerSecond,
      unit: 'ops/s',
      seed: SEEDS.opsPerSecond,
      floor: floorOpsPerSecond,
      floorNote: `raw kad-dht puts to 3 acks, ${IN_FLIGHT} in flight`,
      method: `${IN_FLIGHT} publishes in flight on one architect for ${(loadElapsed / 1000).toFixed(1)} s: ${done} done, ${failures} failed; latency under load P50 ${f1(load.p50)} / P95 ${f1(load.p95)} / P99 ${f1(load.p99)} ms. Bound by the process's CPU (next row): every publish also runs on the 9 other peers in this thread`,
    })
    rows.push({
      suite: 'network',
      operation: 'CPU per publish, all 10 peers in the process',
      ours: loadCpuPerOp,
      unit: 'ms',
      floor: floorCpuPerOp,
      floorNote: 'per raw kad-dht put',
      method: 'process.cpuUsage() (user + system, every thread) over the throughput run / publishes; one publish is 2 DHT puts (each a closest-peers query and a PUT_VALUE to 9 peers) + gossip to 8 peers that verify, store and decrypt',
    })
    const perPeer = (p: MemoryProbe, k: 'rss' | 'js') => (p.formed[k] - p.loaded[k]) / p.count / MB
    rows.push({
      suite: 'network',
      operation: 'memory of a one-peer process (RSS)',
      ours: mem.one.rss / MB,
      unit: 'MB',
      seed: SEEDS.baseMB,
      seedNote: 'seeds: base',
      floor: bare.one.rss / MB,
      floorNote: 'Node + one bare libp2p node, same services',
      method: `fresh process, after gc: Node 22 alone ${f1(mem.before.rss / MB)} MB, + the peer's modules (libp2p, LevelDB, zod, age, our TypeScript stripped at load) ${f1(mem.loaded.rss / MB)} MB, + the admin peer started ${f1(mem.one.rss / MB)} MB; the floor's modules (libp2p only) ${f1(bare.loaded.rss / MB)} MB`,
    })
    rows.push({
      suite: 'network',
      operation: 'memory per peer (RSS)',
      ours: perPeer(mem, 'rss'),
      unit: 'MB',
      seed: SEEDS.baseMB,
      seedNote: 'seeds: base per node',
      floor: perPeer(bare, 'rss'),
      floorNote: 'bare libp2p node, same services',
      method: `fresh process: RSS after gc once the ${mem.count} peers formed (${(mem.formedMs / 1000).toFixed(1)} s), made ${WARMUP} publishes and their memory stopped moving (${(mem.formed.waitedMs / 1000).toFixed(0)} s later), minus after the modules loaded, / ${mem.count} peers; the bare nodes likewise`,
    })
    rows.push({
      suite: 'network',
      operation: 'memory per peer (JS heap + external)',
      ours: perPeer(mem, 'js'),
      unit: 'MB',
      seed: SEEDS.baseMB,
      seedNote: 'seeds: base per node',
      floor: perPeer(bare, 'js'),
      floorNote: 'bare libp2p node, same services',
      method: 'process.memoryUsage() heapUsed + external after gc, same points as the RSS row',
    })
    const perDecision = (a: Memory, b: Memory, k: 'rss' | 'js') => (b[k] - a[k]) / mem.decisions / KB
    rows.push({
      suite: 'network',
      operation: 'memory per stored decision (a reader)',
      ours: perDecision(mem.toIngest, mem.ingested, 'js'),
      unit: 'KB',
      seed: SEEDS.perDecisionKB,
      floor: mem.recordBytes / KB,
      floorNote: 'the signed record itself',
      method: `fresh process quieted (the other 8 peers closed, author and reader stopped), JS heap + external after gc, before and after one backend developer ingested ${mem.decisions} signed 1 KB decisions as from gossip (verify, durable store: ${mem.readerCopies} records, index entry, decrypted search text), / ${mem.decisions}; the author's own heap grew ${f1(perDecision(mem.quiet, mem.authored, 'js'))} KB per decision it published; RSS: ${f1(perDecision(mem.toIngest, mem.ingested, 'rss'))} KB (LevelDB memtables included). Records live in LevelDB, not in the heap${mem.quiet.settled && mem.authored.settled && mem.ingested.settled ? '' : '; memory was still moving at a reading (machine busy?)'}`,
    })
    return rows
  } finally {
    await net?.close().catch(() => undefined)
    await rm(root, { recursive: true, force: true })
  }
}
