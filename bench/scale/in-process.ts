// N full peers in this one process on loopback TCP: each with its own data directory, LevelDB, vault and libp2p node,
// joined one by one through the seated admin as users join. What it measures is the protocol's cost with every peer
// sharing one thread; bench/scale/processes.ts measures real processes. Not libp2p's in-memory transport: measured
// here, a join cost 2.5x the CPU over it (its message passing is heavier than the kernel's loopback).
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Role } from '../../src-shared/roles.ts'
import type { Peer } from '../../src-main/core/peer.ts'
import { decisionKey, keyBytes } from '../../src-main/core/records/keys.ts'
import { callAs, createTestNetwork, isSeatedAdmin, waitFor, type TestNetwork } from '../../test/helpers/network.ts'
import { settledMemory, MB } from '../lib/memory.ts'
import type { ScaleNetwork, ScalePeer } from './scenario.ts'

export function memberRoles(n: number): Exclude<Role, 'admin'>[] {
  const cycle: Exclude<Role, 'admin'>[] = ['architect', 'backend_dev', 'observer']
  return Array.from({ length: n - 1 }, (_, i) => cycle[i % cycle.length]!)
}

class InProcessPeer implements ScalePeer {
  readonly arrivals = new Map<string, number>()
  readonly leaders = new Map<number, Set<string>>()
  readonly name: string
  readonly role: Role
  private readonly peer: Peer
  private stopped = false

  constructor(peer: Peer) {
    this.peer = peer
    this.name = peer.session.name
    this.role = peer.session.role
    peer.events.subscribe((m) => {
      if (m.type === 'decision.published') this.arrivals.set(m.payload.header.address, m.at)
      if (m.type === 'election.leader') this.leaders.set(m.payload.term, (this.leaders.get(m.payload.term) ?? new Set()).add(m.payload.admin))
    })
  }

  get alive(): boolean {
    return !this.stopped
  }

  async publish(input: Parameters<ScalePeer['publish']>[0]) {
    return callAs(this.peer, 'decisions.publish', input)
  }

  async catchUp(): Promise<void> {
    await this.peer.network?.catchUp.run('hinted')
  }

  /** A raw kad-dht lookup, as the product's DHT client makes it: every event until the query ends. */
  async dhtGet(address: string) {
    const dht = this.peer.network!.node.services.dht
    const t0 = performance.now()
    let found = false
    let rpcs = 0
    try {
      for await (const e of dht.get(keyBytes(decisionKey(this.peer.session.networkId, address)), { signal: AbortSignal.timeout(10_000) })) {
        if (e.name === 'VALUE') found = true
        if (e.name === 'PEER_RESPONSE') rpcs++
      }
    } catch (err) {
      // A lookup that ran out of time counts with the time it took (and whether a value had arrived by then).
      if ((err as Error).name !== 'AbortError') throw err
    }
    return { ms: performance.now() - t0, found, rpcs }
  }

  async electionView() {
    return { ...(this.peer.election?.leader === undefined ? {} : { leader: this.peer.election.leader }), seated: isSeatedAdmin(this.peer), memberId: this.peer.session.memberId }
  }

  async kill(): Promise<void> {
    this.stopped = true
    await this.peer.close()
  }
}

/**
 * A join whose admin lost the seat in the middle (an election while the network forms: on a loaded machine the
 * admin's heartbeats can arrive late) is refused with 'not the admin'; the next attempt asks whoever holds it now.
 */
export async function joinRetrying<T>(join: () => Promise<T>, log: (line: string) => void, attempts = 3): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await join()
    } catch (err) {
      if (i >= attempts || !/not the (sitting )?admin|cannot reach the admin/.test((err as Error).message)) throw err
      log(`join refused (${(err as Error).message.slice(0, 100)}); trying again with the seated admin`)
    }
  }
}

export async function openInProcess(n: number, opts: { electionTimeoutMs: number; heartbeatMs: number; log: (line: string) => void }): Promise<{ net: ScaleNetwork; formMs: number }> {
  const root = await mkdtemp(join(tmpdir(), 'bzzz-scale-'))
  const before = await settledMemory()
  const saved = process.env.TMPDIR
  process.env.TMPDIR = root // the network's directories go under root, so one rm removes everything
  let tnet: TestNetwork | undefined
  const t0 = performance.now()
  try {
    const pending = createTestNetwork([], {
      transport: 'tcp',
      // An election while the network forms (all peers share one thread here) can keep the seat empty for a while.
      seatTimeoutMs: 180_000,
      config: { election: { heartbeatMs: opts.heartbeatMs, electionTimeoutMs: opts.electionTimeoutMs } },
      settings: { catchUpIntervalMs: 3600_000, republishIntervalMs: 3600_000 },
    })
    if (saved === undefined) delete process.env.TMPDIR
    else process.env.TMPDIR = saved
    tnet = await pending
    let k = 1
    for (const role of memberRoles(n)) {
      await joinRetrying(() => tnet!.add(role), opts.log)
      if (++k % 10 === 0) opts.log(`${k}/${n} peers joined (${((performance.now() - t0) / 1000).toFixed(0)} s)`)
    }
    const all = tnet.all
    const seq = () => Math.max(...all.map((p) => p.roster.roster.seq))
    await waitFor('rosters to converge', () => all.every((p) => p.roster.roster.seq === seq()), 120_000, 100)
    await waitFor('gossip meshes to form', () => all.every((p) => (p.network?.gossip.subscribers(p.network.names.topics.decisions) ?? 0) >= 1), 120_000, 100)
  } catch (err) {
    await tnet?.close().catch(() => undefined)
    await rm(root, { recursive: true, force: true })
    throw err
  }
  const formMs = performance.now() - t0
  const peers = tnet.all.map((p) => new InProcessPeer(p))
  const closeable = tnet
  const net: ScaleNetwork = {
    mode: 'in-process',
    peers,
    memoryPerPeer: async () => {
      const after = await settledMemory()
      return { rssMB: (after.rss - before.rss) / n / MB, jsMB: (after.js - before.js) / n / MB, how: `growth of this process's RSS (and JS heap + external) with ${n} peers, divided by ${n}` }
    },
    close: async () => {
      await closeable.close()
      await rm(root, { recursive: true, force: true })
    },
  }
  return { net, formMs }
}
