// N full peers in this one process on loopback TCP: each with its own data directory, LevelDB, vault and libp2p node,
// joined one by one through the seated admin as users join. The peers are spread over one worker thread per core
// (bench/scale/peer-worker.ts): on one thread, 60 peers kept it 93% busy while idle (election heartbeats through the
// gossip mesh, their acknowledgements, gossipsub's housekeeping: about 1.5% of a core per peer), so 100 could not
// form there; the machine's two cores hold them. bench/scale/processes.ts measures real processes. Not libp2p's
// in-memory transport: measured here, a join cost 2.5x the CPU over it (its message passing is heavier than the
// kernel's loopback), and it cannot cross threads.
import { mkdtemp, rm } from 'node:fs/promises'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'
import type { Role } from '../../src-shared/roles.ts'
import { waitFor } from '../../test/helpers/network.ts'
import { settledMemory, MB } from '../lib/memory.ts'
import type { WorkerCalls, WorkerEvent, WorkerInit } from './peer-worker.ts'
import type { ScaleNetwork, ScalePeer } from './scenario.ts'

export function memberRoles(n: number): Exclude<Role, 'admin'>[] {
  const cycle: Exclude<Role, 'admin'>[] = ['architect', 'backend_dev', 'observer']
  return Array.from({ length: n - 1 }, (_, i) => cycle[i % cycle.length]!)
}

/** A worker thread and its request channel. */
class PeerThread {
  readonly worker: Worker
  private next = 0
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()
  onEvent: (e: WorkerEvent) => void = () => undefined

  constructor(init: WorkerInit) {
    this.worker = new Worker(new URL('./peer-worker.ts', import.meta.url), { workerData: init })
    this.worker.on('message', (m: { id?: number; result?: unknown; error?: string; event?: WorkerEvent }) => {
      if (m.event !== undefined) return this.onEvent(m.event)
      const w = this.waiting.get(m.id!)
      this.waiting.delete(m.id!)
      if (m.error !== undefined) w?.reject(new Error(m.error))
      else w?.resolve(m.result)
    })
    this.worker.on('error', (err) => {
      for (const w of this.waiting.values()) w.reject(err)
      this.waiting.clear()
    })
  }

  call<K extends keyof WorkerCalls>(call: K, args: WorkerCalls[K]['args']): Promise<WorkerCalls[K]['result']> {
    const id = this.next++
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject })
      this.worker.postMessage({ id, call, args })
    })
  }
}

class ThreadPeer implements ScalePeer {
  readonly arrivals = new Map<string, number>()
  readonly leaders = new Map<number, Set<string>>()
  readonly name: string
  readonly role: Role
  private stopped = false
  private readonly thread: PeerThread
  private readonly index: number

  constructor(thread: PeerThread, index: number, name: string, role: Role) {
    this.thread = thread
    this.index = index
    this.name = name
    this.role = role
  }

  onEvent(e: WorkerEvent): void {
    if (e.type === 'arrival') this.arrivals.set(e.address, e.at)
    else this.leaders.set(e.term, (this.leaders.get(e.term) ?? new Set()).add(e.admin))
  }

  get alive(): boolean {
    return !this.stopped
  }

  publish(input: Parameters<ScalePeer['publish']>[0]) {
    return this.thread.call('publish', { peer: this.index, input })
  }

  async catchUp(): Promise<void> {
    await this.thread.call('catchUp', { peer: this.index })
  }

  dhtGet(address: string) {
    return this.thread.call('dhtGet', { peer: this.index, address })
  }

  electionView() {
    return this.thread.call('electionView', { peer: this.index })
  }

  async kill(): Promise<void> {
    this.stopped = true
    await this.thread.call('kill', { peer: this.index })
  }
}

/**
 * A join whose admin lost the seat in the middle (an election while the network forms: on a loaded machine the
 * admin's heartbeats can arrive late) is refused with 'not the admin'; the next attempt asks whoever holds it now.
 * `join` gets the member name to use: a retry is a new member (`name-r2`...), since the first attempt may have been
 * admitted while its answer was lost.
 */
export async function joinRetrying<T>(name: string, join: (name: string) => Promise<T>, log: (line: string) => void, attempts = 3): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await join(i === 1 ? name : `${name}-r${i}`)
    } catch (err) {
      if (i >= attempts || !/not the (sitting )?admin|cannot reach the admin|no seated admin/.test((err as Error).message)) throw err
      log(`join refused (${(err as Error).message.slice(0, 100)}); trying again with the seated admin`)
    }
  }
}

export async function openInProcess(n: number, opts: { electionTimeoutMs: number; heartbeatMs: number; log: (line: string) => void; threads?: number }): Promise<{ net: ScaleNetwork; formMs: number }> {
  const root = await mkdtemp(join(tmpdir(), 'bzzz-scale-'))
  const before = await settledMemory()
  const init: WorkerInit = { root, config: { election: { heartbeatMs: opts.heartbeatMs, electionTimeoutMs: opts.electionTimeoutMs } } }
  const threads = Array.from({ length: Math.max(1, Math.min(n, opts.threads ?? availableParallelism())) }, () => new PeerThread(init))
  const peers: ThreadPeer[] = []
  const byThread = new Map<PeerThread, ThreadPeer[]>(threads.map((t) => [t, []]))
  for (const t of threads) t.onEvent = (e) => byThread.get(t)![e.peer]?.onEvent(e)
  const add = (thread: PeerThread, index: number, name: string, role: Role) => {
    const p = new ThreadPeer(thread, index, name, role)
    byThread.get(thread)!.push(p)
    peers.push(p)
  }
  const closeAll = async () => {
    await Promise.all(threads.map((t) => t.call('close', {}).catch(() => undefined)))
    await Promise.all(threads.map((t) => t.worker.terminate()))
    await rm(root, { recursive: true, force: true })
  }
  const t0 = performance.now()
  try {
    add(threads[0]!, await threads[0]!.call('createNetwork', { name: 'admin' }), 'admin', 'admin')
    let k = 1
    for (const role of memberRoles(n)) {
      const thread = threads[k % threads.length]!
      let name = ''
      const index = await joinRetrying(`${role.replace('_', '-')}-${k}`, async (attemptName) => {
        name = attemptName
        // Invites come from whoever holds the admin seat now (an election while the network forms can move it).
        let invite: { code: string; bootstrap: string[] } | null = null
        await waitFor('a seated admin to issue the invite', async () => (invite = (await Promise.all(threads.map((t) => t.call('invite', { role })))).find((x) => x !== null) ?? null) !== null, 180_000, 250).catch(() => {
          throw new Error('no seated admin for 180 s to issue the invite')
        })
        const { code, bootstrap } = invite as unknown as { code: string; bootstrap: string[] }
        return thread.call('join', { name, role, invite: code, bootstrap })
      }, opts.log)
      add(thread, index, name, role)
      if (++k % 10 === 0) opts.log(`${k}/${n} peers joined (${((performance.now() - t0) / 1000).toFixed(0)} s)`)
    }
    const states = async () => (await Promise.all(threads.map((t) => t.call('state', {})))).flat()
    await waitFor('rosters to converge', async () => new Set((await states()).map((s) => s.seq)).size === 1, 120_000, 500)
    await waitFor('gossip meshes to form', async () => (await states()).every((s) => s.meshed), 120_000, 500)
  } catch (err) {
    await closeAll().catch(() => undefined)
    throw err
  }
  const formMs = performance.now() - t0
  const net: ScaleNetwork = {
    mode: 'in-process',
    peers,
    memoryPerPeer: async () => {
      const after = await settledMemory()
      // Each worker has its own JS heap: summed.
      const js = (await Promise.all(threads.map((t) => t.call('memory', {})))).reduce((a, m) => a + m.js, after.js)
      return {
        rssMB: (after.rss - before.rss) / n / MB,
        jsMB: (js - before.js) / n / MB,
        how: `growth of this process's RSS (and JS heap + external, all threads) with ${n} peers on ${threads.length} worker thread(s), divided by ${n}`,
      }
    },
    close: closeAll,
  }
  return { net, formMs }
}
