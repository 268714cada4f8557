// Query strings and path parameters are text; the contract's inputs are typed. This turns the text into the types the
// call's zod input schema expects, by looking at the schema's shape: numbers, booleans ('true'/'false') and arrays
// (repeated parameters). Anything else stays a string and is validated by dispatch like every other input.
import type { z } from 'zod'
import { BzzzError } from '../../../src-shared/errors.ts'

type Kind = 'number' | 'boolean' | 'array' | 'other'

interface FieldType {
  kind: Kind
  /** For arrays: the element's kind. */
  element?: Kind
}

const WRAPPERS = new Set(['optional', 'default', 'nullable', 'readonly', 'catch', 'prefault', 'nonoptional'])

/** Removes optional/default/nullable/... wrappers and the input side of a pipe (a transform), to the base schema. */
function unwrap(schema: z.ZodType): z.ZodType {
  let s = schema
  for (let i = 0; i < 16; i++) {
    const def = s.def as { type: string; innerType?: z.ZodType; in?: z.ZodType }
    if (WRAPPERS.has(def.type) && def.innerType !== undefined) s = def.innerType
    else if (def.type === 'pipe' && def.in !== undefined) s = def.in
    else break
  }
  return s
}

function kindOf(schema: z.ZodType): Kind {
  const type = unwrap(schema).def.type
  return type === 'number' || type === 'int' ? 'number' : type === 'boolean' ? 'boolean' : type === 'array' ? 'array' : 'other'
}

function fieldType(schema: z.ZodType): FieldType {
  const base = unwrap(schema)
  const kind = kindOf(base)
  if (kind !== 'array') return { kind }
  const element = (base.def as { element?: z.ZodType }).element
  return { kind, element: element === undefined ? 'other' : kindOf(element) }
}

/** The object shape of a call's input schema, or undefined when the input is not an object schema. */
export function inputShape(schema: z.ZodType): Record<string, z.ZodType> | undefined {
  const base = unwrap(schema)
  if (base.def.type !== 'object') return undefined
  return (base as z.ZodObject).shape as Record<string, z.ZodType>
}

function coerceOne(kind: Kind, field: string, text: string): unknown {
  if (kind === 'number') {
    const n = text.trim() === '' ? Number.NaN : Number(text)
    if (!Number.isFinite(n)) throw new BzzzError('invalid_input', `${field}: '${text.slice(0, 40)}' is not a number`)
    return n
  }
  if (kind === 'boolean') {
    if (text === 'true') return true
    if (text === 'false') return false
    throw new BzzzError('invalid_input', `${field}: '${text.slice(0, 40)}' is not a boolean; use 'true' or 'false'`)
  }
  return text
}

/**
 * Typed input from text fields (a query string's entries, path parameters). Each key may appear several times; only
 * array fields accept that. Unknown keys stay strings, so the call's strict schema names them. Errors are
 * `invalid_input` prefixed with `label` (the call name) and naming the field.
 */
export function coerceTextFields(schema: z.ZodType, entries: Iterable<[string, string]>, label: string): Record<string, unknown> {
  const shape = inputShape(schema) ?? {}
  const grouped = new Map<string, string[]>()
  for (const [key, value] of entries) {
    const list = grouped.get(key)
    if (list === undefined) grouped.set(key, [value])
    else list.push(value)
  }
  const out: Record<string, unknown> = {}
  // An own data property even for '__proto__': `out[key] =` set the prototype instead, so `?__proto__=x` vanished
  // where the strict schema would have named it as unknown (found by fuzzing).
  const set = (key: string, value: unknown): void => void Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true })
  for (const [key, values] of grouped) {
    const field = Object.hasOwn(shape, key) ? shape[key] : undefined
    const type: FieldType = field === undefined ? { kind: 'other' } : fieldType(field)
    const name = `${label}: ${key}`
    if (type.kind === 'array') {
      set(key, values.map((v) => coerceOne(type.element ?? 'other', name, v)))
      continue
    }
    if (values.length > 1) throw new BzzzError('invalid_input', `${name}: given ${values.length} times; give it once`)
    set(key, coerceOne(type.kind, name, values[0]!))
  }
  return out
}
