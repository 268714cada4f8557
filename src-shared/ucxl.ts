// UCXL addresses: {agent}/{role}/{project}/{task}/{node}. Parsing, formatting, validation and pattern matching.
// Patterns use '*' for exactly one segment and '**' for any number of segments (zero included).
import { z } from 'zod'
import { isRole, ROLES, type Role } from './roles.ts'

export const SEGMENT_NAMES = ['agent', 'role', 'project', 'task', 'node'] as const
export type SegmentName = (typeof SEGMENT_NAMES)[number]

export const SEGMENT_MAX_LENGTH = 64
export const PATTERN_MAX_SEGMENTS = 12
const SCHEME = 'ucxl://'
const SEGMENT_RE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/

export interface UcxlAddress {
  agent: string
  role: Role
  project: string
  task: string
  node: string
}

export interface UcxlProblem {
  /** 1-based segment number, or 0 when the problem is with the whole string. */
  segment: number
  segmentName?: SegmentName
  message: string
}

export type UcxlParse<T> = { ok: true; value: T } | { ok: false; problem: UcxlProblem; message: string }

function problem<T>(input: string, kind: 'address' | 'pattern', p: UcxlProblem): UcxlParse<T> {
  const shown = input.length > 80 ? `${input.slice(0, 77)}...` : input
  return { ok: false, problem: p, message: `invalid UCXL ${kind} '${shown}': ${p.message}` }
}

function stripScheme(input: string): string {
  return input.startsWith(SCHEME) ? input.slice(SCHEME.length) : input
}

/** Why a single literal segment is invalid, or undefined when it is fine. */
export function segmentProblem(value: string): string | undefined {
  if (value.length === 0) return 'is empty'
  if (value.length > SEGMENT_MAX_LENGTH) return `is ${value.length} characters long; the limit is ${SEGMENT_MAX_LENGTH}`
  if (value.includes('..')) return "contains '..'"
  if (!SEGMENT_RE.test(value)) {
    const bad = [...value].find((c, i) => (i === 0 ? !/[A-Za-z0-9]/.test(c) : !/[A-Za-z0-9._-]/.test(c)))
    if (bad !== undefined && /[A-Za-z0-9._-]/.test(bad)) return `must start with a letter or digit, not '${bad}'`
    return `contains ${JSON.stringify(bad ?? '?')}; allowed are letters, digits, '-', '_' and '.'`
  }
  return undefined
}

/** A segment as messages show it: at most 40 characters, so a huge input never becomes a huge error. */
function shownSegment(value: string): string {
  return value.length > 40 ? value.slice(0, 37) + '...' : value
}

function describeSegment(i: number, value: string): string {
  const name = SEGMENT_NAMES[i]
  return `segment ${i + 1} (${name ?? 'extra'}) '${shownSegment(value)}'`
}

export function parseAddress(input: string): UcxlParse<UcxlAddress> {
  if (typeof input !== 'string') return problem(String(input), 'address', { segment: 0, message: 'is not a string' })
  const body = stripScheme(input.trim())
  if (body.length === 0) return problem(input, 'address', { segment: 0, message: 'is empty' })
  const parts = body.split('/')
  if (parts.length !== SEGMENT_NAMES.length) {
    return problem(input, 'address', {
      segment: 0,
      message: `expected 5 segments (agent/role/project/task/node), got ${parts.length}`,
    })
  }
  for (const [i, part] of parts.entries()) {
    if (part === '*' || part === '**') {
      return problem(input, 'address', {
        segment: i + 1,
        segmentName: SEGMENT_NAMES[i],
        message: `${describeSegment(i, part)} is a wildcard; an address names exactly one decision (use it as a pattern instead)`,
      })
    }
    const why = segmentProblem(part)
    if (why !== undefined) {
      return problem(input, 'address', { segment: i + 1, segmentName: SEGMENT_NAMES[i], message: `${describeSegment(i, part)} ${why}` })
    }
  }
  const [agent, role, project, task, node] = parts as [string, string, string, string, string]
  if (!isRole(role)) {
    return problem(input, 'address', {
      segment: 2,
      segmentName: 'role',
      message: `${describeSegment(1, role)} is not a role; expected one of ${ROLES.join(', ')}`,
    })
  }
  return { ok: true, value: { agent, role, project, task, node } }
}

export function formatAddress(a: UcxlAddress): string {
  return `${a.agent}/${a.role}/${a.project}/${a.task}/${a.node}`
}

export type PatternSegment = { kind: 'literal'; value: string } | { kind: 'one' } | { kind: 'any' }

export interface UcxlPattern {
  source: string
  segments: PatternSegment[]
}

export function parsePattern(input: string): UcxlParse<UcxlPattern> {
  if (typeof input !== 'string') return problem(String(input), 'pattern', { segment: 0, message: 'is not a string' })
  const body = stripScheme(input.trim())
  if (body.length === 0) return problem(input, 'pattern', { segment: 0, message: "is empty; use '**' to match everything" })
  const parts = body.split('/')
  if (parts.length > PATTERN_MAX_SEGMENTS) {
    return problem(input, 'pattern', { segment: 0, message: `has ${parts.length} segments; the limit is ${PATTERN_MAX_SEGMENTS}` })
  }
  const segments: PatternSegment[] = []
  for (const [i, part] of parts.entries()) {
    if (part === '**') {
      // Consecutive '**' mean the same as one; fold them so matching stays linear.
      if (segments.at(-1)?.kind !== 'any') segments.push({ kind: 'any' })
      continue
    }
    if (part === '*') {
      segments.push({ kind: 'one' })
      continue
    }
    if (part.includes('*')) {
      return problem(input, 'pattern', {
        segment: i + 1,
        message: `segment ${i + 1} '${shownSegment(part)}' mixes '*' with text; '*' and '**' must stand alone as a whole segment`,
      })
    }
    const why = segmentProblem(part)
    // Shown shortened like an address's segments (fuzzing found a 100 KB segment echoed whole in the message).
    if (why !== undefined) return problem(input, 'pattern', { segment: i + 1, message: `segment ${i + 1} '${shownSegment(part)}' ${why}` })
    segments.push({ kind: 'literal', value: part })
  }
  const fixed = segments.filter((s) => s.kind !== 'any').length
  if (fixed > SEGMENT_NAMES.length) {
    return problem(input, 'pattern', {
      segment: 0,
      message: `needs at least ${fixed} segments but an address has only 5, so it can never match`,
    })
  }
  if (!segments.some((s) => s.kind === 'any') && fixed !== SEGMENT_NAMES.length) {
    return problem(input, 'pattern', {
      segment: 0,
      message: `has ${fixed} segments but an address has 5; add '/**' or '*' segments`,
    })
  }
  // Segment 2 is the role whenever its position is fixed; catch a mistyped role early.
  const second = segments[1]
  if (segments[0]?.kind !== 'any' && second?.kind === 'literal' && !isRole(second.value)) {
    return problem(input, 'pattern', {
      segment: 2,
      segmentName: 'role',
      message: `segment 2 (role) '${shownSegment(second.value)}' is not a role; expected one of ${ROLES.join(', ')}`,
    })
  }
  return { ok: true, value: { source: body, segments } }
}

export function addressSegments(a: UcxlAddress): string[] {
  return [a.agent, a.role, a.project, a.task, a.node]
}

/** Does the address match the pattern? Linear-time glob matching with backtracking to the last '**'. */
export function matchPattern(pattern: UcxlPattern, address: UcxlAddress | string): boolean {
  const parts = typeof address === 'string' ? address.split('/') : addressSegments(address)
  const segs = pattern.segments
  let p = 0
  let a = 0
  let starP = -1
  let starA = 0
  while (a < parts.length) {
    const seg = segs[p]
    if (seg !== undefined && seg.kind !== 'any' && (seg.kind === 'one' || seg.value === parts[a])) {
      p++
      a++
    } else if (seg?.kind === 'any') {
      starP = p++
      starA = a
    } else if (starP >= 0) {
      p = starP + 1
      a = ++starA
    } else {
      return false
    }
  }
  while (segs[p]?.kind === 'any') p++
  return p === segs.length
}

export class UcxlError extends Error {
  readonly problem: UcxlProblem
  constructor(message: string, p: UcxlProblem) {
    super(message)
    this.name = 'UcxlError'
    this.problem = p
  }
}

export function mustParseAddress(input: string): UcxlAddress {
  const r = parseAddress(input)
  if (!r.ok) throw new UcxlError(r.message, r.problem)
  return r.value
}

export function mustParsePattern(input: string): UcxlPattern {
  const r = parsePattern(input)
  if (!r.ok) throw new UcxlError(r.message, r.problem)
  return r.value
}

/** A single literal segment (project, task, agent id...) as a schema, for forms and API bodies. */
export const segmentSchema = z.string().superRefine((v, ctx) => {
  const why = segmentProblem(v)
  if (why !== undefined) ctx.addIssue({ code: 'custom', message: `'${v.slice(0, 40)}' ${why}` })
})

export const addressSchema = z
  .string()
  .max(SEGMENT_NAMES.length * (SEGMENT_MAX_LENGTH + 1) + SCHEME.length)
  .superRefine((v, ctx) => {
    const r = parseAddress(v)
    if (!r.ok) ctx.addIssue({ code: 'custom', message: r.message })
  })
  // overwrite, not transform: the output is still a string, so the schema stays representable in JSON Schema (MCP tool
  // schemas, OpenAPI, GraphQL are generated from it). An invalid address already has its issue from superRefine.
  .overwrite((v) => {
    const r = parseAddress(v)
    return r.ok ? formatAddress(r.value) : v
  })

export const patternSchema = z
  .string()
  .max(PATTERN_MAX_SEGMENTS * (SEGMENT_MAX_LENGTH + 1) + SCHEME.length)
  .superRefine((v, ctx) => {
    const r = parsePattern(v)
    if (!r.ok) ctx.addIssue({ code: 'custom', message: r.message })
  })
