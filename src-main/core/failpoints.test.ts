// The BZZZ_FAILPOINTS syntax. (The crashes themselves are exercised on real processes in test/resilience/.)
import { describe, expect, it } from 'vitest'
import { failpoint, parseFailpointsForTest as parse } from './failpoints.ts'

describe('failpoints', () => {
  it('is off (and free) when BZZZ_FAILPOINTS is unset or empty', () => {
    expect(parse(undefined)).toBeUndefined()
    expect(parse('  ')).toBeUndefined()
    expect(() => failpoint('publish.after-local-write')).not.toThrow() // this test process has none armed
  })

  it('reads points with crash, crash@N and off, separated by ; or ,', () => {
    const armed = parse('publish.after-local-write=crash; election.vote.after-persist=crash@3,join.after-reply=off')
    expect(armed?.get('publish.after-local-write')).toEqual({ at: 1, hits: 0 })
    expect(armed?.get('election.vote.after-persist')).toEqual({ at: 3, hits: 0 })
    expect(armed?.has('join.after-reply')).toBe(false)
  })

  it('refuses unknown points and actions, so a typo cannot pass silently', () => {
    expect(() => parse('publish.after-locl-write=crash')).toThrow(/unknown point 'publish.after-locl-write'/)
    expect(() => parse('publish.after-local-write=sleep')).toThrow(/not <point>=crash/)
    expect(() => parse('publish.after-local-write')).toThrow(/not <point>=crash/)
  })
})
