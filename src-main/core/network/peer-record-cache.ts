// libp2p's peer store reads and rewrites its LevelDB record of a peer on every contact: identify on each connection,
// each kad-dht response naming closer peers, each presence announcement. Profiled while 30 peers formed a network in
// one process, LevelDB reads and writes were 11% of the CPU (plus the garbage they make); most rewrite the same bytes.
// Here the peer records live in memory, read through from LevelDB on first use and written behind: every 30 seconds
// and when the node stops. A kill loses at most the last 30 seconds of learned addresses, which presence, the
// bootstrap list and the members' known addresses give back; nothing a user was told is stored depends on them.
// At most `maxEntries` records stay in memory (least recently used go first, once written).
import { Key, type Datastore, type Query } from 'interface-datastore'
import { NotFoundError } from 'interface-store'

const PEERS_PREFIX = '/peers/'
/** A few times the largest roster we measure (100 members), plus the non-members kad-dht meets. */
const DEFAULT_MAX_ENTRIES = 2_048

export interface PeerRecordCache {
  datastore: Datastore
  /** Writes what changed since the last flush. */
  flush(): Promise<void>
  /** Flushes and stops the timer. */
  stop(): Promise<void>
}

export function cachePeerRecords(store: Datastore, opts: { flushMs?: number; maxEntries?: number; onError?: (err: unknown) => void } = {}): PeerRecordCache {
  /** In least-recently-used order (a hit moves an entry to the end). */
  const cached = new Map<string, Uint8Array>()
  /** key -> bytes to write, or null to delete */
  const dirty = new Map<string, Uint8Array | null>()
  const maxEntries = opts.maxEntries ?? DEFAULT_MAX_ENTRIES
  const isPeer = (key: Key) => key.toString().startsWith(PEERS_PREFIX)
  let flushing: Promise<void> = Promise.resolve()
  let stopped = false

  const remember = (key: string, value: Uint8Array) => {
    cached.delete(key)
    cached.set(key, value)
    if (cached.size <= maxEntries) return
    // Evict the least recently used records already on disk; unwritten ones wait for the next flush.
    for (const k of cached.keys()) {
      if (cached.size <= maxEntries) break
      if (!dirty.has(k)) cached.delete(k)
    }
  }

  const flush = (): Promise<void> => {
    flushing = flushing.then(async () => {
      if (dirty.size === 0 || stopped) return
      const entries = [...dirty]
      dirty.clear()
      const batch = store.batch()
      for (const [key, value] of entries) {
        if (value === null) batch.delete(new Key(key))
        else batch.put(new Key(key), value)
      }
      try {
        await batch.commit()
      } catch (err) {
        // Written again at the next flush, unless changed meanwhile.
        for (const [key, value] of entries) if (!dirty.has(key)) dirty.set(key, value)
        opts.onError?.(err)
      }
    })
    return flushing
  }
  const timer = setInterval(() => void flush(), opts.flushMs ?? 30_000)
  timer.unref()

  const datastore = new Proxy(store, {
    get(target, prop) {
      switch (prop) {
        case 'get':
          return async (key: Key, options?: unknown) => {
            if (!isPeer(key)) return target.get(key, options as never)
            const k = key.toString()
            const hit = cached.get(k)
            if (hit !== undefined) {
              remember(k, hit)
              return hit
            }
            if (dirty.get(k) === null) throw new NotFoundError()
            const value = await target.get(key, options as never)
            // A put or delete while LevelDB answered is newer than what it read.
            if (!cached.has(k) && !dirty.has(k)) remember(k, value)
            return value
          }
        case 'has':
          return async (key: Key, options?: unknown) => {
            if (!isPeer(key)) return target.has(key, options as never)
            if (cached.has(key.toString())) return true
            if (dirty.get(key.toString()) === null) return false
            return target.has(key, options as never)
          }
        case 'put':
          return async (key: Key, value: Uint8Array, options?: unknown) => {
            if (!isPeer(key)) return target.put(key, value, options as never)
            if (stopped) return target.put(key, value, options as never)
            dirty.set(key.toString(), value)
            remember(key.toString(), value)
            return key
          }
        case 'delete':
          return async (key: Key, options?: unknown) => {
            if (!isPeer(key) || stopped) return target.delete(key, options as never)
            cached.delete(key.toString())
            dirty.set(key.toString(), null)
          }
        case 'query':
        case 'queryKeys':
          // Queries read LevelDB: what is only in memory is written first.
          return (q: Query, options?: unknown) =>
            (async function* () {
              if (q.prefix === undefined || PEERS_PREFIX.startsWith(q.prefix) || q.prefix.startsWith(PEERS_PREFIX)) await flush()
              yield* (target[prop] as (q: Query, o?: unknown) => AsyncIterable<unknown>)(q as never, options)
            })()
      }
      const v = Reflect.get(target, prop, target) as unknown
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v
    },
  })

  return {
    datastore,
    flush,
    stop: async () => {
      clearInterval(timer)
      await flush()
      // Later writes (a stopping libp2p still recording a peer) go straight to the store, or fail there if it closed.
      stopped = true
    },
  }
}
