import { describe, expect, it } from 'vitest'
import { REJECT_REASONS, RecordError } from '../crypto/envelope.ts'
import { countsAgainstSender, MisbehaviourTracker, offenceOfStreamError, type Ban } from './misbehaviour.ts'

function clock(start = 1_000_000) {
  const c = { now: start, advance: (ms: number) => void (c.now += ms) }
  return c
}

function named(name: string): Error {
  const e = new Error(name)
  e.name = name
  return e
}

describe('the misbehaviour policy', () => {
  it('holds only clearly-invalid records against the sender, never stale, unknown, mistimed or forbidden ones', () => {
    const counted = REJECT_REASONS.filter((r) => countsAgainstSender(r))
    expect(counted.sort()).toEqual(['bad_signature', 'malformed', 'oversized', 'unknown_kind', 'wrong_network'])
  })

  it('reads what an aborted stream says about its sender', () => {
    expect(offenceOfStreamError(new RecordError('bad_signature', 'x'))).toBe('invalid_record')
    expect(offenceOfStreamError(new RecordError('stale', 'x'))).toBeUndefined()
    expect(offenceOfStreamError(named('InvalidDataLengthError'))).toBe('oversized_frame')
    expect(offenceOfStreamError(named('StreamBufferError'))).toBe('oversized_frame')
    expect(offenceOfStreamError(new SyntaxError('Unexpected token'))).toBe('undecodable_frame')
    expect(offenceOfStreamError(new RangeError('index out of range'))).toBe('undecodable_frame')
    expect(offenceOfStreamError(new DOMException('timed out', 'TimeoutError'))).toBe('stalled_stream')
    // A peer closing early, a reset, our own shutdown: nothing to hold against anyone.
    for (const name of ['UnexpectedEOFError', 'StreamResetError', 'AbortError', 'TooManyInboundProtocolStreamsError', 'Error']) expect(offenceOfStreamError(named(name))).toBeUndefined()
    expect(offenceOfStreamError(undefined)).toBeUndefined()
  })
})

describe('MisbehaviourTracker', () => {
  it('bans a peer at the threshold within the window, with the offences that led to it', () => {
    const c = clock()
    const t = new MisbehaviourTracker({ threshold: 5, windowMs: 1000, banMs: 60_000 }, () => c.now)
    const bans: Ban[] = []
    t.on('ban', (b) => bans.push(b))
    for (let i = 0; i < 4; i++) expect(t.report('p', i === 0 ? 'stalled_stream' : 'invalid_gossip')).toBeUndefined()
    expect(t.isBanned('p')).toBe(false)
    const ban = t.report('p', 'invalid_gossip')
    expect(ban).toMatchObject({ peerId: 'p', reason: 'invalid_gossip', offences: { invalid_gossip: 4, stalled_stream: 1 }, until: c.now + 60_000, repeat: 1 })
    expect(bans).toEqual([ban])
    expect(t.isBanned('p')).toBe(true)
    expect(t.isBanned('q')).toBe(false)
    // Further offences while banned change nothing.
    expect(t.report('p', 'invalid_record')).toBeUndefined()
    expect(t.totals.invalid_record).toBe(0)
  })

  it('forgets offences older than the window: a slow trickle is never banned', () => {
    const c = clock()
    const t = new MisbehaviourTracker({ threshold: 3, windowMs: 1000 }, () => c.now)
    for (let i = 0; i < 50; i++) {
      expect(t.report('p', 'undecodable_frame')).toBeUndefined()
      c.advance(501)
    }
    expect(t.isBanned('p')).toBe(false)
    expect(t.totals.undecodable_frame).toBe(50)
  })

  it('doubles the ban on each repeat up to the cap, and starts over once the peer behaved long enough', () => {
    const c = clock()
    const t = new MisbehaviourTracker({ threshold: 1, windowMs: 1000, banMs: 1000, maxBanMs: 3000, forgetAfterMs: 10_000 }, () => c.now)
    const lengths: number[] = []
    for (let i = 0; i < 4; i++) {
      const ban = t.report('p', 'oversized_frame')!
      lengths.push(ban.until - ban.since)
      c.advance(ban.until - ban.since)
      expect(t.isBanned('p')).toBe(false)
    }
    expect(lengths).toEqual([1000, 2000, 3000, 3000])
    c.advance(10_000)
    t.prune()
    expect(t.report('p', 'oversized_frame')).toMatchObject({ repeat: 1, until: c.now + 1000 })
  })

  it('lifts expired bans when pruning, and tells', () => {
    const c = clock()
    const t = new MisbehaviourTracker({ threshold: 1, banMs: 1000 }, () => c.now)
    const lifted: string[] = []
    t.on('lifted', (p) => lifted.push(p))
    t.report('p', 'invalid_record')
    expect(t.bans().map((b) => b.peerId)).toEqual(['p'])
    c.advance(999)
    t.prune()
    expect(lifted).toEqual([])
    c.advance(1)
    t.prune()
    expect(lifted).toEqual(['p'])
    expect(t.bans()).toEqual([])
  })

  it('runs its pruning timer only between start and stop', () => {
    const t = new MisbehaviourTracker()
    t.start()
    t.start()
    t.stop()
    t.stop()
  })
})
