// A bounded LRU cache with a time to live: the seeds' "local cache (LRU + TTL)" of decrypted decisions.
export class LruTtlCache<K, V> {
  private readonly map = new Map<K, { value: V; expires: number }>()
  private max: number
  private ttlMs: number
  hits = 0
  misses = 0

  constructor(max: number, ttlMs: number) {
    this.max = max
    this.ttlMs = ttlMs
  }

  get(key: K, now = Date.now()): V | undefined {
    const entry = this.map.get(key)
    if (entry === undefined || entry.expires <= now) {
      if (entry !== undefined) this.map.delete(key)
      this.misses++
      return undefined
    }
    // Move to the most recently used end.
    this.map.delete(key)
    this.map.set(key, entry)
    this.hits++
    return entry.value
  }

  set(key: K, value: V, now = Date.now()): void {
    if (this.max <= 0) return
    this.map.delete(key)
    this.map.set(key, { value, expires: now + this.ttlMs })
    while (this.map.size > this.max) {
      const oldest = this.map.keys().next().value as K
      this.map.delete(oldest)
    }
  }

  /** New bounds at runtime (config change): the oldest entries beyond `max` go; the new TTL applies to new entries. */
  resize(max: number, ttlMs: number): void {
    this.max = max
    this.ttlMs = ttlMs
    while (this.map.size > Math.max(0, max)) this.map.delete(this.map.keys().next().value as K)
  }

  clear(): void {
    this.map.clear()
  }

  get size(): number {
    return this.map.size
  }
}
