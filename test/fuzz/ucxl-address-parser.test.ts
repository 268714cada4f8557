// Fuzzing the UCXL address parser, formatter and pattern matcher (src-shared/ucxl.ts): never a throw, a clear
// problem naming the first bad segment, format(parse(x)) == x, and pattern matching equal to a slow reference.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isRole, ROLES } from '../../src-shared/roles.ts'
import {
  addressSchema,
  formatAddress,
  matchPattern,
  parseAddress,
  parsePattern,
  patternSchema,
  SEGMENT_MAX_LENGTH,
  SEGMENT_NAMES,
  segmentProblem,
  type PatternSegment,
  type UcxlAddress,
} from '../../src-shared/ucxl.ts'
import { fuzz, hugeString, mutatedString, nastyFragment, timed, weirdString } from './fuzz.ts'

const segment = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/).filter((s) => !s.includes('..'))
const address: fc.Arbitrary<UcxlAddress> = fc.record({ agent: segment, role: fc.constantFrom(...ROLES), project: segment, task: segment, node: segment })
const addressText = address.map(formatAddress)

/** Anything a user, a URL or a peer might hand over as an address. */
const anyAddressText = fc.oneof(
  { weight: 4, arbitrary: mutatedString(addressText) },
  { weight: 2, arbitrary: fc.array(fc.oneof(segment, nastyFragment, weirdString), { minLength: 1, maxLength: 7 }).map((p) => p.join('/')) },
  { weight: 1, arbitrary: weirdString },
  { weight: 1, arbitrary: hugeString(20_000) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('ucxl://', ' ', '\t', 'UCXL://', 'ucxl:/'), addressText).map(([p, a]) => p + a) },
)

const MAX_MESSAGE = 400

/** Slow and obviously right: '*' one segment, '**' any number, by recursion over both lists. */
function referenceMatch(segs: PatternSegment[], parts: string[]): boolean {
  const [s, ...rest] = segs
  if (s === undefined) return parts.length === 0
  if (s.kind === 'any') return parts.some((_, i) => referenceMatch(rest, parts.slice(i))) || referenceMatch(rest, [])
  if (parts.length === 0) return false
  if (s.kind === 'one' || s.value === parts[0]) return referenceMatch(rest, parts.slice(1))
  return false
}

describe('fuzz: UCXL addresses', () => {
  it('round-trips every valid address: parse(format(a)) == a and format(parse(x)) == x', () => {
    fc.assert(
      fc.property(address, fc.constantFrom('', 'ucxl://'), fc.constantFrom('', ' ', '\n\t'), (a, scheme, space) => {
        const text = formatAddress(a)
        const r = parseAddress(`${space}${scheme}${text}${space}`)
        expect(r).toEqual({ ok: true, value: a })
        if (r.ok) expect(formatAddress(r.value)).toBe(text)
        expect(addressSchema.parse(`${scheme}${text}`)).toBe(text)
      }),
      fuzz('ucxl round trip', 300),
    )
  })

  it('never throws; accepts only canonical addresses; names the first bad segment and what is wrong with it', () => {
    fc.assert(
      fc.property(anyAddressText, (input) => {
        const r = timed(500, 'parseAddress', () => parseAddress(input))
        const body = input.trim().replace(/^ucxl:\/\//, '')
        if (r.ok) {
          // Accepted: it is the canonical form of what was given, every segment passes and the role is a role.
          expect(formatAddress(r.value)).toBe(body)
          for (const s of body.split('/')) expect(segmentProblem(s)).toBeUndefined()
          expect(isRole(r.value.role)).toBe(true)
          return
        }
        expect(r.message).toMatch(/^invalid UCXL address '/)
        expect(r.message.length).toBeLessThanOrEqual(MAX_MESSAGE)
        const parts = body.split('/')
        const n = r.problem.segment
        if (body.length === 0 || parts.length !== 5) {
          expect(n).toBe(0)
          return
        }
        // A segment is named: the first one that is wrong, by number and name, showing (the start of) its text.
        expect(n).toBeGreaterThanOrEqual(1)
        expect(n).toBeLessThanOrEqual(5)
        const bad = parts[n - 1]!
        expect(r.problem.segmentName).toBe(SEGMENT_NAMES[n - 1])
        expect(r.message).toContain(`segment ${n} (${SEGMENT_NAMES[n - 1]}) '${bad.slice(0, 37)}`)
        const fails = (s: string, i: number): boolean => s === '*' || s === '**' || segmentProblem(s) !== undefined || (i === 1 && !isRole(s))
        expect(fails(bad, n - 1)).toBe(true)
        // No earlier segment was wrong in a way the parser checks first (shape before role).
        for (let i = 0; i < n - 1; i++) expect(parts[i] === '*' || parts[i] === '**' || segmentProblem(parts[i]!) !== undefined, `segment ${i + 1} '${parts[i]}'`).toBe(false)
      }),
      fuzz('ucxl parse garbage', 1500),
    )
  })

  it('the address schema agrees with the parser and never throws', () => {
    fc.assert(
      fc.property(anyAddressText, (input) => {
        const parsed = parseAddress(input)
        const r = addressSchema.safeParse(input)
        if (parsed.ok && input.length <= 5 * (SEGMENT_MAX_LENGTH + 1) + 7) expect(r).toEqual({ success: true, data: formatAddress(parsed.value) })
        else expect(r.success).toBe(false)
        if (!r.success) for (const issue of r.error.issues) expect(issue.message.length).toBeLessThanOrEqual(MAX_MESSAGE)
      }),
      fuzz('ucxl address schema', 500),
    )
  })

  it('answers wrong types with a problem, not an exception', () => {
    for (const v of [undefined, null, 42, {}, [], Symbol.iterator, 10n]) {
      expect(parseAddress(v as never)).toMatchObject({ ok: false, problem: { segment: 0 } })
      expect(parsePattern(v as never)).toMatchObject({ ok: false, problem: { segment: 0 } })
    }
  })
})

describe('fuzz: UCXL patterns', () => {
  const patternPart = fc.oneof({ weight: 3, arbitrary: segment }, { weight: 2, arbitrary: fc.constant('*') }, { weight: 2, arbitrary: fc.constant('**') }, { weight: 1, arbitrary: fc.constantFrom(...ROLES) })
  const patternText = fc.array(patternPart, { minLength: 1, maxLength: 12 }).map((p) => p.join('/'))

  it('matches exactly what the reference matcher matches', () => {
    // Patterns are built from the segments of the address they are tested against, so literals match often.
    const pair = address.chain((a) => {
      const segs = formatAddress(a).split('/')
      const part = fc.oneof(fc.constantFrom(...segs), fc.constant('*'), fc.constant('**'), segment)
      return fc.tuple(fc.constant(a), fc.array(part, { minLength: 1, maxLength: 12 }).map((p) => p.join('/')))
    })
    fc.assert(
      fc.property(pair, ([a, text]) => {
        const p = parsePattern(text)
        if (!p.ok) return
        const parts = formatAddress(a).split('/')
        expect(matchPattern(p.value, a), `${text} vs ${formatAddress(a)}`).toBe(referenceMatch(p.value.segments, parts))
        expect(matchPattern(p.value, formatAddress(a))).toBe(matchPattern(p.value, a))
      }),
      fuzz('ucxl pattern vs reference', 1500),
    )
  })

  it('an address matches itself, its wildcarded forms and any pattern with ** inserted', () => {
    fc.assert(
      fc.property(address, fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }), fc.nat({ max: 5 }), (a, stars, at) => {
        const parts = formatAddress(a).split('/')
        const starred = parts.map((s, i) => (stars[i] ? '*' : s))
        // A literal role in segment 2 must be a role; '*' there is always fine.
        for (const text of [parts.join('/'), starred.join('/'), [...starred.slice(0, at), '**', ...starred.slice(at)].join('/'), '**']) {
          const p = parsePattern(text)
          expect(p.ok, text).toBe(true)
          if (p.ok) expect(matchPattern(p.value, a), text).toBe(true)
        }
      }),
      fuzz('ucxl pattern self match', 300),
    )
  })

  it('never throws, stays fast on wildcard-heavy patterns, and says what is wrong in a short message', () => {
    const anyPattern = fc.oneof(
      { weight: 3, arbitrary: patternText },
      { weight: 3, arbitrary: mutatedString(patternText) },
      { weight: 1, arbitrary: weirdString },
      { weight: 1, arbitrary: hugeString(20_000) },
      { weight: 1, arbitrary: fc.tuple(patternText, hugeString(5_000)).map(([p, h]) => `${p}/${h.replace(/\//g, 'y')}`) },
    )
    fc.assert(
      fc.property(anyPattern, address, (input, a) => {
        const r = timed(500, 'parsePattern', () => parsePattern(input))
        if (r.ok) {
          expect(r.value.segments.length).toBeGreaterThan(0)
          timed(500, 'matchPattern', () => matchPattern(r.value, a))
          // Consecutive '**' are folded, so matching stays linear.
          r.value.segments.forEach((s, i) => expect(s.kind === 'any' && r.value.segments[i + 1]?.kind === 'any').toBe(false))
          return
        }
        expect(r.message).toMatch(/^invalid UCXL pattern '/)
        expect(r.message.length, r.message.slice(0, 200)).toBeLessThanOrEqual(MAX_MESSAGE)
        const n = r.problem.segment
        if (n > 0) expect(r.message).toContain(`segment ${n} `)
        const schema = patternSchema.safeParse(input)
        expect(schema.success).toBe(false)
      }),
      fuzz('ucxl pattern garbage', 1500),
    )
  })

  it('regression: a pattern with a huge bad segment gets a short message (it echoed the whole segment)', () => {
    const r = parsePattern(`alice/architect/${'x'.repeat(70)}!${'y'.repeat(100_000)}/**`)
    expect(r.ok).toBe(false)
    if (!r.ok) {
      expect(r.message.length).toBeLessThanOrEqual(MAX_MESSAGE)
      expect(r.message).toContain("segment 3 'xxxxxxxx")
      expect(r.message).toContain('the limit is 64')
    }
  })
})
