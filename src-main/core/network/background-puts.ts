// The admin's DHT puts of rosters and key envelopes, sent in order behind the change that made them instead of
// inside it. A roster change is committed once it is on disk (and the roster gossiped); waiting there for DHT replicas
// (up to the put timeout, twice per join, seven times for a custody re-split) held every later join in the admin's
// one-at-a-time queue: at 25 peer processes on two cores, a freshly elected admin's re-split made joins wait past the
// joiner's 20-second deadline. The local copies are durable, and the republisher sends them again after a restart,
// so nothing acknowledged waits on this queue.
//
// One put at a time, in the order queued. A key queued again before its put started moves to the end with the newest
// bytes (a burst of joins puts the roster once, not once per join, and never before the key envelopes queued ahead of
// it). A record that must be in the DHT before the caller goes on (keyrings, rotated keys) skips the queue through
// `supersede`, which drops the queued older bytes and waits out an older put in flight, so an older copy never lands
// after the newer one.
export type PutRecord = (key: string, bytes: Uint8Array) => Promise<unknown>

interface Queued {
  bytes: Uint8Array
  /** Callers waiting for this key to be sent (settled when these or newer bytes were sent, or dropped). */
  waiters: (() => void)[]
}

export class BackgroundPuts {
  private readonly pending = new Map<string, Queued>()
  private inFlight: { key: string; done: Promise<void> } | undefined
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

  /** Queues a put; the promise settles once these (or newer) bytes were sent or failed, or the queue stopped. */
  enqueue(key: string, bytes: Uint8Array): Promise<void> {
    if (this.stopped) return Promise.resolve()
    const earlier = this.pending.get(key)
    this.pending.delete(key)
    const entry: Queued = { bytes, waiters: earlier?.waiters ?? [] }
    this.pending.set(key, entry)
    const sent = new Promise<void>((resolve) => entry.waiters.push(resolve))
    this.draining ??= this.drain().finally(() => {
      this.draining = undefined
    })
    return sent
  }

  /**
   * Before a direct put of newer bytes for `key`: drops the queued older bytes (their waiters settle now, the caller's
   * put supersedes them) and waits for an older put of the key already in flight.
   */
  async supersede(key: string): Promise<void> {
    const queued = this.pending.get(key)
    if (queued !== undefined) {
      this.pending.delete(key)
      for (const w of queued.waiters) w()
    }
    const flying = this.inFlight
    if (flying !== undefined && flying.key === key) await flying.done
  }

  /** Settles once `key` is neither queued nor in flight. */
  async sent(key: string): Promise<void> {
    const queued = this.pending.get(key)
    if (queued !== undefined) await new Promise<void>((resolve) => queued.waiters.push(resolve))
    const flying = this.inFlight
    if (flying !== undefined && flying.key === key) await flying.done
  }

  /** Resolves once every put queued so far has been sent (or has failed). */
  async idle(): Promise<void> {
    while (this.draining !== undefined) await this.draining
  }

  stop(): void {
    this.stopped = true
    for (const q of this.pending.values()) for (const w of q.waiters) w()
    this.pending.clear()
  }

  private async drain(): Promise<void> {
    for (;;) {
      const next = this.pending.entries().next()
      if (next.done === true || this.stopped) return
      const [key, { bytes, waiters }] = next.value
      this.pending.delete(key)
      const done = this.put(key, bytes).then(
        () => undefined,
        (err: unknown) => this.onError(key, err),
      )
      this.inFlight = { key, done }
      await done
      this.inFlight = undefined
      for (const w of waiters) w()
    }
  }
}
