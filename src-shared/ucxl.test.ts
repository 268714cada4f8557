import { describe, expect, it } from 'vitest'
import { formatAddress, matchPattern, mustParsePattern, parseAddress, parsePattern } from './ucxl.ts'

function problemOf(input: string) {
  const r = parseAddress(input)
  if (r.ok) throw new Error(`expected '${input}' to be rejected`)
  return r
}

describe('UCXL addresses', () => {
  it('parses and formats a valid address, with or without the scheme', () => {
    const r = parseAddress('alice/architect/payments/db-choice/01JABC')
    expect(r.ok && r.value).toEqual({ agent: 'alice', role: 'architect', project: 'payments', task: 'db-choice', node: '01JABC' })
    const s = parseAddress('ucxl://alice/architect/payments/db-choice/01JABC')
    expect(s.ok && formatAddress(s.value)).toBe('alice/architect/payments/db-choice/01JABC')
  })

  it.each([
    ['', 0, 'is empty'],
    ['a/architect/p/t', 0, 'expected 5 segments'],
    ['a/architect/p/t/n/x', 0, 'got 6'],
    ['a/architect//t/n', 3, "segment 3 (project) '' is empty"],
    ['/architect/p/t/n', 1, 'segment 1 (agent)'],
    ['a/architect/p/t/', 5, 'segment 5 (node)'],
    ['a/architect/../t/n', 3, "contains '..'"],
    ['a/architect/p..q/t/n', 3, "contains '..'"],
    ['a/architect/p q/t/n', 3, 'contains " "'],
    ['a/architect/p/tâsk/n', 4, 'contains "â"'],
    ['a/architect/p/-t/n', 4, "must start with a letter or digit, not '-'"],
    ['a/wizard/p/t/n', 2, "segment 2 (role) 'wizard' is not a role"],
    ['a/architect/*/t/n', 3, 'is a wildcard'],
    [`a/architect/${'x'.repeat(65)}/t/n`, 3, 'the limit is 64'],
  ])('rejects %j naming segment %i', (input, segment, fragment) => {
    const r = problemOf(input)
    expect(r.problem.segment).toBe(segment)
    expect(r.message).toContain(fragment)
  })
})

describe('UCXL patterns', () => {
  const addr = 'alice/architect/payments/db-choice/n1'
  it.each([
    ['**', true],
    ['alice/**', true],
    ['*/architect/**', true],
    ['*/*/payments/*/*', true],
    ['**/db-choice/*', true],
    ['**/n1', true],
    ['alice/**/n1', true],
    ['alice/architect/payments/db-choice/n1', true],
    ['alice/architect/payments/db-choice/n1/**', true],
    ['**/**/**', true],
    ['bob/**', false],
    ['*/observer/**', false],
    ['**/db-choice', false],
    ['alice/*/payments', false],
    ['*/*/*/*/*/**', true],
  ])('%s matches: %s', (pattern, expected) => {
    const p = parsePattern(pattern)
    if (!p.ok && pattern === 'alice/*/payments') {
      expect(p.message).toContain('add')
      return
    }
    expect(p.ok).toBe(true)
    if (p.ok) expect(matchPattern(p.value, addr)).toBe(expected)
  })

  it.each([
    ['', 'is empty'],
    ['alice/arch*/**', "mixes '*' with text"],
    ['a/b/c/d/e/f', 'can never match'],
    ['a/observer/c/d', 'but an address has 5'],
    ['a/b/c/d/e/f/**', 'can never match'],
    ['*/wizard/**', "segment 2 (role) 'wizard' is not a role"],
    ['a/../**', "contains '..'"],
    ['a//**', "segment 2 '' is empty"],
  ])('rejects %j', (pattern, fragment) => {
    const p = parsePattern(pattern)
    expect(p.ok).toBe(false)
    if (!p.ok) expect(p.message).toContain(fragment)
  })

  it('does not treat a role-like word after ** as the role position', () => {
    expect(matchPattern(mustParsePattern('**/payments/**'), addr)).toBe(true)
  })

  it('matches many ** segments in linear time', () => {
    const p = mustParsePattern(Array.from({ length: 10 }, (_, i) => (i % 2 ? '*' : '**')).join('/'))
    expect(matchPattern(p, addr)).toBe(true)
  })
})
