// Rate limits for the network-facing transports (HTTP, WebSocket, MCP over HTTP, GraphQL): one token bucket per
// (client key, bucket). The seeds' limits are per minute: decisions 100, crypto 50, admin operations 10, all from
// config.rateLimits. Every other call draws from 'general', which gets a generous default (600 per minute) so a UI
// polling status and peers is never throttled while a runaway script still is. A bucket holds a full minute's
// allowance (the burst) and refills continuously. IPC and local CLI calls are not limited (they never pass a limiter
// to dispatch).
import type { Config } from '../../src-shared/config.ts'
import type { RateBucket } from '../../src-shared/contract/calls.ts'
import { BzzzError } from '../../src-shared/errors.ts'

/** Calls per minute for each bucket. */
export type RateLimits = Record<RateBucket, number>

/** The 'general' bucket is not in the seeds; 600 per minute (10 per second sustained) is far above any UI's needs. */
export const GENERAL_PER_MINUTE = 600

export function rateLimitsFromConfig(config: Config['rateLimits'], generalPerMinute = GENERAL_PER_MINUTE): RateLimits {
  return { decisions: config.decisionsPerMinute, crypto: config.cryptoPerMinute, admin: config.adminPerMinute, general: generalPerMinute }
}

/** What dispatch needs from a limiter: take one call from a bucket or throw `rate_limited`. */
export interface CallLimiter {
  take(key: string, bucket: RateBucket): void
}

interface Bucket {
  tokens: number
  /** When `tokens` was last brought up to date (ms). */
  at: number
}

export interface RateLimiterOptions {
  /** At most this many client keys are tracked; beyond it the least recently used full buckets go first. */
  maxKeys?: number
  now?: () => number
  /** Told about every refused call (metrics). */
  onLimited?: (bucket: RateBucket, key: string) => void
}

export class RateLimiter implements CallLimiter {
  private readonly limitsOf: () => Readonly<RateLimits>
  private readonly buckets = new Map<string, Bucket>()
  private readonly maxKeys: number
  private readonly now: () => number
  private readonly onLimited: ((bucket: RateBucket, key: string) => void) | undefined

  /**
   * `limits` may be a function, read on every call, so that limits changed at runtime (config.set on
   * rateLimits.*) apply at once; a bucket never holds more than its current limit.
   */
  constructor(limits: RateLimits | (() => RateLimits), opts: RateLimiterOptions = {}) {
    if (typeof limits === 'function') this.limitsOf = limits
    else {
      const fixed = { ...limits }
      this.limitsOf = () => fixed
    }
    for (const [bucket, perMinute] of Object.entries(this.limitsOf())) {
      if (!Number.isFinite(perMinute) || perMinute < 1) throw new BzzzError('invalid_input', `rate limit for ${bucket} must be at least 1 per minute`)
    }
    this.maxKeys = opts.maxKeys ?? 10_000
    this.now = opts.now ?? (() => Date.now())
    this.onLimited = opts.onLimited
  }

  /** Takes one call from `bucket` for `key`; throws `rate_limited` with the seconds until the next call is allowed. */
  /** The limits in force now. */
  get limits(): Readonly<RateLimits> {
    return this.limitsOf()
  }

  take(key: string, bucket: RateBucket): void {
    const perMinute = Math.max(1, this.limitsOf()[bucket])
    const ratePerMs = perMinute / 60_000
    const now = this.now()
    const id = `${bucket}\u0000${key}`
    let b = this.buckets.get(id)
    if (b === undefined) {
      this.evictIfFull(now)
      b = { tokens: perMinute, at: now }
    } else {
      b.tokens = Math.min(perMinute, b.tokens + Math.max(0, now - b.at) * ratePerMs)
      b.at = now
      this.buckets.delete(id) // re-inserted below: the map's order is least recently used first
    }
    this.buckets.set(id, b)
    if (b.tokens >= 1 - 1e-9) {
      // (the tolerance absorbs floating-point noise of the continuous refill)
      b.tokens = Math.max(0, b.tokens - 1)
      return
    }
    const waitMs = Math.round((1 - b.tokens) / ratePerMs) // whole milliseconds: no float noise in the rounding up
    const retryAfter = Math.max(1, Math.ceil(waitMs / 1000))
    this.onLimited?.(bucket, key)
    throw new BzzzError('rate_limited', `too many ${bucket} calls (limit ${perMinute} per minute); retry in ${retryAfter} s`, { retryAfter })
  }

  /** Tracked buckets (tests, metrics). */
  get size(): number {
    return this.buckets.size
  }

  private evictIfFull(now: number): void {
    if (this.buckets.size < this.maxKeys) return
    // First drop buckets that have refilled completely (forgetting them changes nothing), then the oldest.
    const limits = this.limitsOf()
    for (const [id, b] of this.buckets) {
      const bucket = id.slice(0, id.indexOf('\u0000')) as RateBucket
      const perMinute = limits[bucket]
      if (b.tokens + Math.max(0, now - b.at) * (perMinute / 60_000) >= perMinute) this.buckets.delete(id)
    }
    while (this.buckets.size >= this.maxKeys) {
      const oldest = this.buckets.keys().next().value
      if (oldest === undefined) break
      this.buckets.delete(oldest)
    }
  }
}

/** The limiter key of a network client: the transport and the remote address (never a token or a user name). */
export function clientKey(transport: string, remoteAddress: string | undefined): string {
  return `${transport}:${remoteAddress ?? 'unknown'}`
}
