// The configuration's keys as data: dotted paths derived from the zod schema, their BZZZ_* environment variables,
// reading and writing one dotted key in a plain object, merging layers, and zod issues as one line naming the key.
import type { z } from 'zod'
import { configSchema, type ConfigInput } from '../../../src-shared/config.ts'
import { BzzzError } from '../../../src-shared/errors.ts'

export type LeafKind = 'string' | 'number' | 'boolean' | 'array' | 'enum'

export interface ConfigKey {
  /** Dotted path: 'cache.entries', 'logLevel'. */
  key: string
  path: string[]
  kind: LeafKind
  /** BZZZ_ and the path in upper snake case, dots as underscores: cache.ttlSeconds -> BZZZ_CACHE_TTL_SECONDS. */
  env: string
}

const WRAPPERS = new Set(['optional', 'default', 'nullable', 'prefault'])

function unwrap(schema: z.ZodType): z.ZodType {
  let s = schema
  for (let i = 0; i < 8; i++) {
    const def = s.def as { type: string; innerType?: z.ZodType }
    if (!WRAPPERS.has(def.type) || def.innerType === undefined) break
    s = def.innerType
  }
  return s
}

function envName(path: string[]): string {
  return `BZZZ_${path.map((p) => p.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()).join('_')}`
}

function leaves(schema: z.ZodType, prefix: string[]): ConfigKey[] {
  const base = unwrap(schema)
  const type = base.def.type
  if (type === 'object') {
    const shape = (base as z.ZodObject).shape as Record<string, z.ZodType>
    return Object.entries(shape).flatMap(([name, child]) => leaves(child, [...prefix, name]))
  }
  const kind: LeafKind = type === 'number' || type === 'boolean' || type === 'array' || type === 'enum' ? type : 'string'
  return [{ key: prefix.join('.'), path: prefix, kind, env: envName(prefix) }]
}

/** Every setting, leaf by leaf, in schema order. */
export const CONFIG_KEYS: readonly ConfigKey[] = leaves(configSchema, [])

/** Top-level groups ('api', 'cache', ...): settable as a whole object too. */
export const CONFIG_GROUPS: ReadonlySet<string> = new Set(CONFIG_KEYS.filter((k) => k.path.length > 1).map((k) => k.path[0]!))

/** BZZZ_* variables that are not settings (so they are not reported as unknown). */
export const NON_CONFIG_ENV = new Set(['BZZZ_DATA_DIR', 'BZZZ_PASSPHRASE', 'BZZZ_SCRYPT_LOG_N', 'BZZZ_DEBUG'])

/**
 * Settings a running peer applies at once. Everything else (listen, bootstrap, mdns, relay, api.*, election.*) is
 * read when the network, the API or the election starts, so it takes effect after a restart. Rate limits, custody
 * and rotation policy are read from `peer.config` each time they are used.
 */
export const RUNTIME_KEYS: ReadonlySet<string> = new Set([
  'logLevel',
  'replicas',
  'cache.entries',
  'cache.ttlSeconds',
  'rateLimits.decisionsPerMinute',
  'rateLimits.cryptoPerMinute',
  'rateLimits.adminPerMinute',
  'custody.policy',
  'rotation.adminKeyDays',
  'rotation.roleKeyDays',
])

/** The path of a dotted key, or invalid_input listing the keys there are. */
export function parseKey(key: string): string[] {
  const k = key.trim()
  if (CONFIG_GROUPS.has(k) || CONFIG_KEYS.some((c) => c.key === k)) return k.split('.')
  throw new BzzzError('invalid_input', `unknown setting '${key.slice(0, 100)}'; the settings are ${CONFIG_KEYS.map((c) => c.key).join(', ')}`)
}

/** The leaves under a key ('cache' -> cache.entries, cache.ttlSeconds; 'logLevel' -> logLevel). */
export function leavesOf(key: string): ConfigKey[] {
  return CONFIG_KEYS.filter((c) => c.key === key || c.key.startsWith(`${key}.`))
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

export function getPath(obj: unknown, path: readonly string[]): unknown {
  let v = obj
  for (const seg of path) {
    if (!isPlainObject(v) || !Object.hasOwn(v, seg)) return undefined
    v = v[seg]
  }
  return v
}

/** A copy of `obj` with `path` set to `value`, or removed (and empty parents with it) when `value` is undefined. */
export function withPath(obj: Record<string, unknown>, path: readonly string[], value: unknown): Record<string, unknown> {
  const out = structuredClone(obj)
  let v: Record<string, unknown> = out
  const parents: Record<string, unknown>[] = []
  for (const seg of path.slice(0, -1)) {
    if (!isPlainObject(v[seg])) {
      if (value === undefined) return out
      v[seg] = {}
    }
    parents.push(v)
    v = v[seg] as Record<string, unknown>
  }
  const last = path[path.length - 1]!
  if (value === undefined) {
    delete v[last]
    for (let i = parents.length - 1; i >= 0 && Object.keys(v).length === 0; i--) {
      delete parents[i]![path[i]!]
      v = parents[i]!
    }
  } else {
    v[last] = structuredClone(value)
  }
  return out
}

/** Deep merge of plain objects; arrays and scalars of later layers replace earlier ones; undefined is skipped. */
export function mergeLayers(...layers: ConfigInput[]): ConfigInput {
  const merge = (a: unknown, b: unknown): unknown => {
    if (b === undefined) return a
    if (!isPlainObject(a) || !isPlainObject(b)) return structuredClone(b)
    const out: Record<string, unknown> = { ...a }
    for (const [k, v] of Object.entries(b)) out[k] = merge(a[k], v)
    return out
  }
  return layers.reduce<unknown>((acc, layer) => merge(acc, layer), {}) as ConfigInput
}

/** True when `layer` supplies the value at `path` (or a value that contains it). */
export function layerProvides(layer: unknown, path: readonly (string | number)[]): boolean {
  let v = layer
  for (const seg of path) {
    if (!isPlainObject(v)) return v !== undefined
    if (!Object.hasOwn(v, String(seg))) return false
    v = v[String(seg)]
  }
  return v !== undefined
}

/** The first zod issue as { path, message }, with unknown keys reported at their own path. */
export function firstIssue(error: z.ZodError): { path: (string | number)[]; key: string; message: string } {
  const issue = error.issues[0]
  if (issue === undefined) return { path: [], key: 'value', message: 'invalid' }
  const base = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))
  if (issue.code === 'unrecognized_keys') {
    const path = [...base, issue.keys[0] ?? '?']
    return { path, key: path.join('.'), message: 'unknown setting' }
  }
  return { path: base, key: base.join('.') || 'value', message: issue.message }
}

const TRUE = /^(true|1|yes|on)$/i
const FALSE = /^(false|0|no|off)$/i

/** The text of one environment variable as the type its setting needs. */
export function parseEnvValue(k: ConfigKey, text: string): unknown {
  const fail = (why: string) => new BzzzError('invalid_input', `invalid environment variable ${k.env} (${k.key}): ${why}`)
  const t = text.trim()
  switch (k.kind) {
    case 'boolean':
      if (TRUE.test(t)) return true
      if (FALSE.test(t)) return false
      throw fail(`'${t.slice(0, 40)}' is not a boolean (true/false, 1/0, yes/no, on/off)`)
    case 'number': {
      const n = t === '' ? Number.NaN : Number(t)
      if (!Number.isFinite(n)) throw fail(`'${t.slice(0, 40)}' is not a number`)
      return n
    }
    case 'array':
      if (t.startsWith('[')) {
        try {
          const v: unknown = JSON.parse(t)
          if (Array.isArray(v)) return v
        } catch {
          // reported below
        }
        throw fail('starts with [ but is not a JSON array; give a comma-separated list or a JSON array')
      }
      return t.split(',').map((s) => s.trim()).filter((s) => s.length > 0)
    default:
      return t
  }
}

/**
 * The settings given by BZZZ_* environment variables (empty ones count as unset), and the BZZZ_* variables that name
 * no setting (probably typos; the caller warns).
 */
export function configFromEnv(env: Record<string, string | undefined>): { layer: ConfigInput; unknown: string[] } {
  let layer: Record<string, unknown> = {}
  for (const k of CONFIG_KEYS) {
    const text = env[k.env]
    if (text === undefined || text.trim() === '') continue
    layer = withPath(layer, k.path, parseEnvValue(k, text))
  }
  const known = new Set(CONFIG_KEYS.map((k) => k.env))
  const unknown = Object.keys(env).filter((name) => name.startsWith('BZZZ_') && !known.has(name) && !NON_CONFIG_ENV.has(name))
  return { layer: layer as ConfigInput, unknown }
}

/** The environment variable of a path (for messages), if it has one. */
export function envOf(path: readonly (string | number)[]): string | undefined {
  const dotted = path.filter((p) => typeof p === 'string').join('.')
  return CONFIG_KEYS.find((k) => k.key === dotted || dotted.startsWith(`${k.key}.`))?.env
}

/** A command-line VALUE: JSON when it parses as JSON, else the text itself. */
export function parseCliValue(text: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch {
    return text
  }
}
