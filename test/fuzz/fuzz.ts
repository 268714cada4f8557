// Shared pieces of the property-based fuzz tests (test/fuzz/*.test.ts): run counts and seeds, and arbitraries for
// near-valid inputs (mutations of valid ones) and garbage.
//
//   FUZZ_RUNS=20 npx vitest run test/fuzz     twenty times the default runs (npm run fuzz)
//   FUZZ_SEED=1234 npx vitest run test/fuzz   another seed than the fixed one per property
//   FUZZ_SEED=S FUZZ_PATH=P npx vitest run test/fuzz/FILE -t 'NAME'
//                                             replays the counterexample of a failure (seed and path as printed)
import fc from 'fast-check'
import { expect, vi } from 'vitest'
import { BzzzError, ERROR_CODES } from '../../src-shared/errors.ts'

function envNumber(name: string): number | undefined {
  const raw = process.env[name]
  if (raw === undefined || raw.trim() === '') return undefined
  const n = Number(raw)
  if (!Number.isFinite(n)) throw new Error(`${name} must be a number, not '${raw}'`)
  return n
}

/** Multiplies every property's run count (default 1). */
export const RUN_FACTOR = Math.max(0.01, envNumber('FUZZ_RUNS') ?? 1)

// More runs take longer: the per-test timeout (vitest.config.ts: 30 s) grows with them in a long session.
if (RUN_FACTOR > 1) vi.setConfig({ testTimeout: Math.round(30_000 * RUN_FACTOR) })

function seedOf(name: string): number {
  // FNV-1a: a fixed, reproducible seed per property unless FUZZ_SEED says otherwise.
  let h = 0x811c9dc5
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193)
  return h | 0
}

/** fast-check parameters for one property: `runs` scaled by FUZZ_RUNS, a seed fixed per name unless FUZZ_SEED. */
export function fuzz<T>(name: string, runs: number, extra: fc.Parameters<T> = {}): fc.Parameters<T> {
  const seed = envNumber('FUZZ_SEED')
  const path = process.env.FUZZ_PATH
  return { numRuns: Math.max(1, Math.round(runs * RUN_FACTOR)), seed: seed ?? seedOf(name), ...(path ? { path } : {}), ...extra }
}

/** Rejects after `ms` with a message naming `what`: the "no hang" bound of one input. */
export async function within<T>(ms: number, what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`hang: ${what} took more than ${ms} ms`)), ms)
      }),
    ])
  } finally {
    clearTimeout(timer)
  }
}

/**
 * Runs a synchronous function and fails when it takes longer than `ms` (it cannot be interrupted, only measured).
 * Bounds are generous (this machine is shared and has 2 cores): they catch runaway work, not a GC pause.
 */
export function timed<T>(ms: number, what: string, fn: () => T): T {
  const t0 = performance.now()
  const tooSlow = (): void => {
    const took = performance.now() - t0
    if (took > ms) throw new Error(`too slow: ${what} took ${Math.round(took)} ms (bound ${ms} ms)`)
  }
  let out: T
  try {
    out = fn()
  } catch (err) {
    tooSlow()
    throw err
  }
  tooSlow()
  return out
}

/** The error a bad input must get: a BzzzError with a code of the fixed set and a message. */
export function expectTypedError(err: unknown, what: string): asserts err is BzzzError {
  if (!(err instanceof BzzzError)) throw new Error(`${what}: threw ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)} instead of a BzzzError`, { cause: err })
  expect(ERROR_CODES).toContain(err.code)
  expect(err.message.trim().length, `${what}: empty error message`).toBeGreaterThan(0)
}

/** An error body as every transport returns it: a code of the fixed set and a message that is short and says something. */
export function expectErrorBody(error: unknown, what: string, maxMessage = 2000): void {
  expect(error, what).toMatchObject({ code: expect.any(String), message: expect.any(String) })
  const e = error as { code: string; message: string }
  expect(ERROR_CODES, what).toContain(e.code)
  expect(e.message.trim().length, `${what}: empty error message`).toBeGreaterThan(0)
  expect(e.message.length, `${what}: error message of ${e.message.length} characters`).toBeLessThanOrEqual(maxMessage)
}

/** Nothing a fuzz input did polluted Object.prototype (a `__proto__` key that was merged instead of kept as data). */
export function expectNoPrototypePollution(): void {
  const probe = {} as Record<string, unknown>
  for (const key of ['polluted', 'isAdmin', 'role', 'ok', 'x']) expect(probe[key], `Object.prototype.${key} was set`).toBeUndefined()
}

// -- strings ----------------------------------------------------------------------------------------------------

/** Characters and fragments that tend to break parsers: separators, traversal, controls, unicode edge cases. */
export const NASTY_FRAGMENTS = [
  '', '/', '//', '.', '..', '../', '*', '**', '%', '%2F', '%00', '%E0%A4%A', '\\', ':', '?', '#', '&', '=', ' ', '\t', '\n', '\r\n',
  '\u0000', '\u001f', '\u007f', '\u00a0', '\u200b', '\u202e', '\ufeff', 'é', 'ß', 'İ', '日本', '😀', '\ud800', '\udfff',
  '"', "'", '`', '{', '}', '[', ']', '<', '>', '__proto__', 'constructor', 'prototype', 'ucxl://', 'null', 'undefined',
  'NaN', '-1', '1e999', '0x10', 'admin', 'architect', 'observer', 'backend_dev',
] as const

export const nastyFragment = fc.constantFrom(...NASTY_FRAGMENTS)

/** Short strings from any unicode (lone surrogates included) and from the nasty fragments. */
export const weirdString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.array(nastyFragment, { maxLength: 6 }).map((parts) => parts.join('')),
  fc.string({ unit: fc.constantFrom('\ud800', '\udc00', 'a', '/', '.'), maxLength: 10 }),
)

/** Strings long enough to hit limits: repeated characters up to `max` long. */
export function hugeString(max = 70_000): fc.Arbitrary<string> {
  return fc.tuple(fc.constantFrom('a', 'x/', '.', '😀', '/', '*', '\u0000', 'é'), fc.integer({ min: 65, max })).map(([c, n]) => c.repeat(Math.ceil(n / c.length)))
}

type StringEdit = { kind: 'replace' | 'insert' | 'delete' | 'truncate' | 'extend' | 'duplicate' | 'swapcase'; at: number; text: string; n: number }

const stringEdit: fc.Arbitrary<StringEdit> = fc.record({
  kind: fc.constantFrom('replace', 'insert', 'delete', 'truncate', 'extend', 'duplicate', 'swapcase'),
  at: fc.nat(),
  text: fc.oneof(nastyFragment, weirdString, fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 3 })),
  n: fc.integer({ min: 1, max: 4 }),
})

function applyEdit(s: string, e: StringEdit): string {
  const at = s.length === 0 ? 0 : e.at % (s.length + 1)
  switch (e.kind) {
    case 'replace':
      return s.slice(0, at) + e.text + s.slice(at + e.n)
    case 'insert':
      return s.slice(0, at) + e.text + s.slice(at)
    case 'delete':
      return s.slice(0, at) + s.slice(at + e.n)
    case 'truncate':
      return s.slice(0, at)
    case 'extend':
      return s + e.text.repeat(e.n * 50)
    case 'duplicate':
      return s.slice(0, at) + s.slice(at, at + e.n * 4) + s.slice(at)
    case 'swapcase': {
      const c = s.charAt(at)
      return s.slice(0, at) + (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase()) + s.slice(at + 1)
    }
  }
}

/** A valid string with one to four edits (replaced, inserted, deleted characters; truncated, extended). */
export function mutatedString(valid: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.tuple(valid, fc.array(stringEdit, { minLength: 1, maxLength: 4 })).map(([s, edits]) => edits.reduce(applyEdit, s))
}

// -- bytes ------------------------------------------------------------------------------------------------------

type ByteEdit = { kind: 'flip' | 'set' | 'insert' | 'delete' | 'truncate' | 'extend'; at: number; value: number; bytes: Uint8Array }

const byteEdit: fc.Arbitrary<ByteEdit> = fc.record({
  kind: fc.constantFrom('flip', 'flip', 'flip', 'set', 'insert', 'delete', 'truncate', 'extend'),
  at: fc.nat(),
  value: fc.integer({ min: 1, max: 255 }),
  bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }),
})

function applyByteEdit(b: Uint8Array, e: ByteEdit): Uint8Array {
  const at = b.length === 0 ? 0 : e.at % b.length
  switch (e.kind) {
    case 'flip': {
      const out = b.slice()
      if (out.length > 0) out[at] = (out[at] ?? 0) ^ e.value
      return out
    }
    case 'set': {
      const out = b.slice()
      if (out.length > 0) out[at] = e.value
      return out
    }
    case 'insert':
      return concat(b.subarray(0, at), e.bytes, b.subarray(at))
    case 'delete':
      return concat(b.subarray(0, at), b.subarray(at + 1))
    case 'truncate':
      return b.slice(0, at)
    case 'extend':
      return concat(b, e.bytes)
  }
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let o = 0
  for (const p of parts) {
    out.set(p, o)
    o += p.length
  }
  return out
}

/** Bytes with one to three edits: flipped (most often), set, inserted, deleted bytes; truncated or extended. */
export function mutatedBytes(valid: fc.Arbitrary<Uint8Array>): fc.Arbitrary<Uint8Array> {
  return fc.tuple(valid, fc.array(byteEdit, { minLength: 1, maxLength: 3 })).map(([b, edits]) => edits.reduce(applyByteEdit, b))
}

/** Exactly one byte changed (xor with a non-zero value): the smallest possible tampering. */
export function oneByteFlipped(valid: Uint8Array): fc.Arbitrary<{ at: number; bytes: Uint8Array }> {
  return fc.tuple(fc.nat({ max: valid.length - 1 }), fc.integer({ min: 1, max: 255 })).map(([at, x]) => {
    const bytes = valid.slice()
    bytes[at] = (bytes[at] ?? 0) ^ x
    return { at, bytes }
  })
}

// -- JSON values ------------------------------------------------------------------------------------------------

/** An object whose own key is `__proto__` (as JSON.parse makes it), the classic prototype-pollution payload. */
export function protoObject(inner: unknown = { polluted: true, isAdmin: true }): Record<string, unknown> {
  return JSON.parse(`{"__proto__":${JSON.stringify(inner)},"constructor":{"prototype":{"polluted":true}}}`) as Record<string, unknown>
}

function deepArray(depth: number): unknown {
  let v: unknown = 0
  for (let i = 0; i < depth; i++) v = [v]
  return v
}

/** Values of the wrong type or shape for any field: JSON scalars, edge numbers, deep nesting, prototype keys. */
export const weirdValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1.5, -0, 2 ** 53, 1e308, '', ' ', '0', 'true', [], {}, [null]),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  weirdString,
  fc.constant(protoObject()),
  fc.integer({ min: 10, max: 200 }).map(deepArray),
  fc.array(weirdString, { maxLength: 4 }),
  fc.dictionary(fc.oneof(weirdString, fc.constantFrom('__proto__', 'constructor', 'prototype')), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
  fc.jsonValue({ maxDepth: 3 }),
)

/** A key to add to an object: prototype-pollution names, near-miss names of real fields, and garbage. */
export function extraKey(realKeys: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', ''),
    realKeys.length === 0 ? weirdString : fc.constantFrom(...realKeys).map((k) => `${k}_`),
    realKeys.length === 0 ? weirdString : fc.constantFrom(...realKeys).map((k) => k.toUpperCase()),
    weirdString,
  )
}

type ObjectEdit = { kind: 'drop' | 'wrongType' | 'add' | 'mutateString' | 'huge'; pick: number; key: string; value: unknown; edit: StringEdit[]; huge: string }

function objectEdit(realKeys: readonly string[]): fc.Arbitrary<ObjectEdit> {
  return fc.record({
    kind: fc.constantFrom('drop', 'wrongType', 'wrongType', 'add', 'mutateString', 'mutateString', 'huge'),
    pick: fc.nat(),
    key: extraKey(realKeys),
    value: weirdValue,
    edit: fc.array(stringEdit, { minLength: 1, maxLength: 3 }),
    huge: hugeString(20_000),
  })
}

/** Sets an own data property even for '__proto__' (as JSON.parse would), never the prototype. */
function setOwn(o: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(o, key, { value, enumerable: true, configurable: true, writable: true })
}

function applyObjectEdit(obj: Record<string, unknown>, e: ObjectEdit): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(obj)) setOwn(out, k, v)
  const keys = Object.keys(out)
  const key = keys.length === 0 ? undefined : keys[e.pick % keys.length]!
  switch (e.kind) {
    case 'drop':
      if (key !== undefined) delete out[key]
      return out
    case 'wrongType':
      if (key !== undefined) setOwn(out, key, e.value)
      return out
    case 'add':
      setOwn(out, e.key, e.value)
      return out
    case 'mutateString': {
      const strKey = keys.find((k, i) => i >= e.pick % Math.max(1, keys.length) && typeof out[k] === 'string') ?? keys.find((k) => typeof out[k] === 'string')
      if (strKey !== undefined) setOwn(out, strKey, e.edit.reduce(applyEdit, out[strKey] as string))
      else if (key !== undefined) setOwn(out, key, e.value)
      return out
    }
    case 'huge':
      if (key !== undefined) setOwn(out, key, e.huge)
      return out
  }
}

/** A valid input object with one to three field edits: dropped, wrong type, extra (prototype) keys, mutated strings, huge strings. */
export function mutatedObject(valid: fc.Arbitrary<Record<string, unknown>>, realKeys: readonly string[]): fc.Arbitrary<Record<string, unknown>> {
  return fc.tuple(valid, fc.array(objectEdit(realKeys), { minLength: 1, maxLength: 3 })).map(([o, edits]) => edits.reduce(applyObjectEdit, o))
}
