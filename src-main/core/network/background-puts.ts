// The admin's DHT puts of rosters, key envelopes and keyrings, sent in order behind the change that made them
// instead of inside it. A roster change is committed once it is on disk (and the roster gossiped); waiting there for
// DHT replicas (up to the put timeout, twice per join, seven times for a custody re-split) held every later join in
// the admin's one-at-a-time queue: at 25 peer processes on two cores, a freshly elected admin's re-split made joins
// wait past the joiner's 20-second deadline. The local copies are durable, and the republisher sends them again after
// a restart, so nothing acknowledged waits on this queue.
//
// One put at a time, in the order queued, so a keyring never reaches the DHT before the roster naming its key. A key
// queued again before its put started keeps its place and sends only the newest bytes (a burst of joins puts the
// roster once, not once per join).
export type PutRecord = (key: string, bytes: Uint8Array) => Promise<unknown>

export class BackgroundPuts {
  private readonly pending = new Map<string, Uint8Array>()
  private draining: Promise<void> | undefined
  private stopped = false
  private readonly put: PutRecord
  private readonly onError: (key: string, err: unknown) => void

  constructor(put: PutRecord, onError: (key: string, err: unknown) => void) {
    this.put = put
    this.onError = onError
  }

  /** Queued puts not yet started (metrics, tests). */
  get size(): number {
    return this.pending.size
  }

  enqueue(key: string, bytes: Uint8Array): void {
    if (this.stopped) return
    this.pending.set(key, bytes)
    this.draining ??= this.drain().finally(() => {
      this.draining = undefined
    })
  }

  /** Resolves once every put queued so far has been sent (or has failed). */
  async idle(): Promise<void> {
    while (this.draining !== undefined) await this.draining
  }

  stop(): void {
    this.stopped = true
    this.pending.clear()
  }

  private async drain(): Promise<void> {
    for (;;) {
      const next = this.pending.entries().next()
      if (next.done === true || this.stopped) return
      const [key, bytes] = next.value
      this.pending.delete(key)
      try {
        await this.put(key, bytes)
      } catch (err) {
        this.onError(key, err)
      }
    }
  }
}
