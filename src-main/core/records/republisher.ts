// DHT records expire (kad-dht keeps them 48 h) and the peers holding them come and go: every peer puts back what it
// holds, at start (once connected) and on an interval, a few at a time.
import type { RecordStore } from './record-store.ts'

export interface RepublishResult {
  records: number
  replicas: number
}

export class Republisher {
  private running: Promise<RepublishResult> | undefined
  lastRun: { at: number; result: RepublishResult } | undefined
  private readonly records: RecordStore
  private readonly put: (key: string, bytes: Uint8Array) => Promise<number>

  constructor(records: RecordStore, put: (key: string, bytes: Uint8Array) => Promise<number>) {
    this.records = records
    this.put = put
  }

  run(concurrency = 4): Promise<RepublishResult> {
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
        lock = p.then(() => undefined)
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
      return result
    })().finally(() => {
      this.running = undefined
    })
    return this.running
  }
}
