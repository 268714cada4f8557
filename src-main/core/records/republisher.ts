// DHT records expire (kad-dht keeps them 48 h) and the peers holding them come and go: every peer puts back what it
// holds, at start (once connected) and on an interval, a few at a time.
import type { RecordStore } from './record-store.ts'

/** Passes retried when nothing reached anyone: 1, 2, 4, 8, 16 s after the first. */
const RETRIES = 5

export interface RepublishResult {
  records: number
  replicas: number
}

export class Republisher {
  private running: Promise<RepublishResult> | undefined
  lastRun: { at: number; result: RepublishResult } | undefined
  private retry: NodeJS.Timeout | undefined
  private readonly records: RecordStore
  private readonly put: (key: string, bytes: Uint8Array) => Promise<number>

  constructor(records: RecordStore, put: (key: string, bytes: Uint8Array) => Promise<number>) {
    this.records = records
    this.put = put
  }

  /** No more retries: the store is about to close. */
  stop(): void {
    clearTimeout(this.retry)
  }

  /**
   * One pass over every local record. A pass in which no put reached anyone (it ran at the first connection, before
   * the DHT's routing table had a peer: the puts were skipped) is tried again a few times with backoff; otherwise a
   * peer killed before its puts went out would keep what it published to itself until the next interval (12 h).
   */
  run(concurrency = 4, attempt = 0): Promise<RepublishResult> {
    this.running ??= (async () => {
      const result: RepublishResult = { records: 0, replicas: 0 }
      const iterator = this.records.entries()
      const next = async () => {
        const r = await iterator.next()
        return r.done ? undefined : r.value
      }
      let lock = Promise.resolve()
      const take = () => {
        const p = lock.then(next)
        // The chain only orders the reads; a failed read is the caller's (through p), never an unhandled rejection.
        lock = p.then(
          () => undefined,
          () => undefined,
        )
        return p
      }
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          for (let e = await take(); e !== undefined; e = await take()) {
            result.records++
            result.replicas += await this.put(e[0], e[1]).catch(() => 0)
          }
        }),
      )
      this.lastRun = { at: Date.now(), result }
      if (result.records > 0 && result.replicas === 0 && attempt < RETRIES) {
        this.retry = setTimeout(() => void this.run(concurrency, attempt + 1).catch(() => undefined), 1_000 * 2 ** attempt)
        this.retry.unref()
      }
      return result
    })().finally(() => {
      this.running = undefined
    })
    return this.running
  }
}
