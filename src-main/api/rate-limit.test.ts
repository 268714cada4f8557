import { describe, expect, it } from 'vitest'
import { configSchema } from '../../src-shared/config.ts'
import { BzzzError } from '../../src-shared/errors.ts'
import { clientKey, GENERAL_PER_MINUTE, RateLimiter, rateLimitsFromConfig } from './rate-limit.ts'

function limited(fn: () => void): BzzzError | undefined {
  try {
    fn()
    return undefined
  } catch (err) {
    if (err instanceof BzzzError) return err
    throw err
  }
}

describe('rate limits', () => {
  it('takes the seeds limits from the config, with a generous general bucket', () => {
    expect(rateLimitsFromConfig(configSchema.parse({}).rateLimits)).toEqual({ decisions: 100, crypto: 50, admin: 10, general: GENERAL_PER_MINUTE })
    expect(rateLimitsFromConfig(configSchema.parse({ rateLimits: { adminPerMinute: 3 } }).rateLimits).admin).toBe(3)
  })

  it('allows a minute of calls at once, then refuses with the seconds until the next one', () => {
    let now = 1_000_000
    const limiter = new RateLimiter({ decisions: 100, crypto: 50, admin: 10, general: 600 }, { now: () => now })
    for (let i = 0; i < 10; i++) limiter.take('http:1.2.3.4', 'admin')
    const err = limited(() => limiter.take('http:1.2.3.4', 'admin'))
    expect(err?.code).toBe('rate_limited')
    expect(err?.retryAfter).toBe(6) // 10 per minute: one every 6 s
    expect(err?.message).toMatch(/too many admin calls \(limit 10 per minute\); retry in 6 s/)
    // Other buckets and other clients are untouched.
    expect(limited(() => limiter.take('http:1.2.3.4', 'general'))).toBeUndefined()
    expect(limited(() => limiter.take('ws:1.2.3.4', 'admin'))).toBeUndefined()
    // It refills continuously: after 5 s not yet, after 6 s one call.
    now += 5_000
    expect(limited(() => limiter.take('http:1.2.3.4', 'admin'))?.retryAfter).toBe(1)
    now += 1_000
    expect(limited(() => limiter.take('http:1.2.3.4', 'admin'))).toBeUndefined()
    expect(limited(() => limiter.take('http:1.2.3.4', 'admin'))?.code).toBe('rate_limited')
    // Never more than the burst, however long the wait.
    now += 3_600_000
    for (let i = 0; i < 10; i++) limiter.take('http:1.2.3.4', 'admin')
    expect(limited(() => limiter.take('http:1.2.3.4', 'admin'))?.code).toBe('rate_limited')
  })

  it('rounds Retry-After up to at least a second and tells its observer', () => {
    const seen: string[] = []
    const limiter = new RateLimiter({ decisions: 100, crypto: 50, admin: 10, general: 600 }, { now: () => 0, onLimited: (b, k) => seen.push(`${b} ${k}`) })
    for (let i = 0; i < 100; i++) limiter.take('k', 'decisions')
    expect(limited(() => limiter.take('k', 'decisions'))?.retryAfter).toBe(1)
    expect(seen).toEqual(['decisions k'])
  })

  it('tracks a bounded number of clients', () => {
    let now = 0
    const limiter = new RateLimiter({ decisions: 100, crypto: 50, admin: 10, general: 600 }, { maxKeys: 50, now: () => now })
    for (let i = 0; i < 500; i++) {
      now += 1
      limiter.take(`http:10.0.0.${i}`, 'general')
    }
    expect(limiter.size).toBeLessThanOrEqual(50)
    // The most recent client keeps its bucket.
    for (let i = 0; i < 599; i++) limiter.take('http:10.0.0.499', 'general')
    expect(limited(() => limiter.take('http:10.0.0.499', 'general'))?.code).toBe('rate_limited')
  })

  it('follows limits changed at runtime (config.set on rateLimits.*)', () => {
    const now = 0
    const limits = { decisions: 100, crypto: 50, admin: 10, general: 600 }
    const limiter = new RateLimiter(() => limits, { now: () => now })
    for (let i = 0; i < 3; i++) limiter.take('k', 'admin')
    // Lowered: the bucket holds at most the new minute's allowance.
    limits.admin = 3
    for (let i = 0; i < 3; i++) limiter.take('k', 'admin')
    expect(limited(() => limiter.take('k', 'admin'))?.message).toMatch(/limit 3 per minute/)
    limits.admin = 20
    expect(limiter.limits.admin).toBe(20)
  })

  it('refuses nonsensical limits and keys clients by transport and address', () => {
    expect(() => new RateLimiter({ decisions: 0, crypto: 50, admin: 10, general: 600 })).toThrow(/at least 1 per minute/)
    expect(clientKey('http', '127.0.0.1')).toBe('http:127.0.0.1')
    expect(clientKey('ws', undefined)).toBe('ws:unknown')
  })
})
