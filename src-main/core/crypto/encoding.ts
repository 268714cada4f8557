// Byte encodings and the canonical JSON that signatures are computed over.
import { BzzzError } from '../../../src-shared/errors.ts'

export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')
}

/** Strict base64: rejects characters outside the alphabet instead of skipping them like Buffer does. */
export function fromBase64(text: string, what = 'value'): Uint8Array {
  if (typeof text !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 === 1) {
    throw new BzzzError('invalid_input', `${what} is not valid base64`)
  }
  return new Uint8Array(Buffer.from(text, 'base64'))
}

export function toBase64Url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url')
}

export function fromBase64Url(text: string, what = 'value'): Uint8Array {
  if (typeof text !== 'string' || !/^[A-Za-z0-9_-]*$/.test(text)) {
    throw new BzzzError('invalid_input', `${what} is not valid base64url`)
  }
  return new Uint8Array(Buffer.from(text, 'base64url'))
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')
}

export const utf8 = {
  encode: (s: string): Uint8Array => new TextEncoder().encode(s),
  decode: (b: Uint8Array): string => new TextDecoder('utf-8', { fatal: true }).decode(b),
}

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

/**
 * Canonical JSON (RFC 8785 for the values we use): object keys sorted by UTF-16 code units, no whitespace,
 * ECMAScript number and string serialization. `undefined` object members are dropped, as JSON.stringify does.
 */
export function canonicalJson(value: unknown): string {
  return serialize(value, 0)
}

function serialize(value: unknown, depth: number): string {
  if (depth > 64) throw new BzzzError('invalid_input', 'value is nested too deeply')
  if (value === null) return 'null'
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false'
    case 'number':
      if (!Number.isFinite(value)) throw new BzzzError('invalid_input', 'numbers must be finite')
      return JSON.stringify(value)
    case 'string':
      return JSON.stringify(value)
    case 'object': {
      if (Array.isArray(value)) return `[${value.map((v) => serialize(v ?? null, depth + 1)).join(',')}]`
      if (value instanceof Uint8Array) throw new BzzzError('internal', 'encode bytes as base64 before signing')
      const entries = Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${serialize(v, depth + 1)}`).join(',')}}`
    }
    default:
      throw new BzzzError('invalid_input', `cannot encode a ${typeof value}`)
  }
}

/** Constant-time equality for secrets and MACs. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0)
  return diff === 0
}
