// The HTTP routes of the contract, shared by the server (match a request to a call) and the client (build the request
// for a call). Every route comes from `calls[name].http`: `:name` segments fill one input field, a trailing `*name`
// takes the rest of the path. No Node APIs here: the client that uses it may run in a browser or a script.
import { calls, CALL_NAMES, type CallName, type HttpRoute } from '../../../src-shared/contract/calls.ts'
import { BzzzError } from '../../../src-shared/errors.ts'

export type Method = HttpRoute['method']

export type Segment = { kind: 'literal'; value: string } | { kind: 'param'; name: string } | { kind: 'rest'; name: string }

export interface CompiledRoute {
  name: CallName
  method: Method
  path: string
  segments: Segment[]
  /** Names of the input fields the path carries. */
  params: string[]
}

/** Splits an Express-style path ('/api/decisions/content/*address') into typed segments. */
export function compilePath(path: string): Segment[] {
  if (!path.startsWith('/')) throw new Error(`route path '${path}' must start with '/'`)
  const parts = path.slice(1).split('/')
  return parts.map((part, i): Segment => {
    if (part.startsWith(':')) return { kind: 'param', name: part.slice(1) }
    if (part.startsWith('*')) {
      if (i !== parts.length - 1) throw new Error(`route path '${path}': '${part}' must be the last segment`)
      return { kind: 'rest', name: part.slice(1) }
    }
    return { kind: 'literal', value: part }
  })
}

const RANK: Record<Segment['kind'], number> = { literal: 0, param: 1, rest: 2 }

/** Literal segments before parameters before a rest parameter, position by position: the most specific route wins. */
function bySpecificity(a: CompiledRoute, b: CompiledRoute): number {
  const n = Math.min(a.segments.length, b.segments.length)
  for (let i = 0; i < n; i++) {
    const d = RANK[a.segments[i]!.kind] - RANK[b.segments[i]!.kind]
    if (d !== 0) return d
  }
  return b.segments.length - a.segments.length
}

export const ROUTES: readonly CompiledRoute[] = CALL_NAMES.map((name): CompiledRoute => {
  const { method, path } = calls[name].http
  const segments = compilePath(path)
  return { name, method, path, segments, params: segments.flatMap((s) => (s.kind === 'literal' ? [] : [s.name])) }
}).sort(bySpecificity)

const BY_NAME = new Map<CallName, CompiledRoute>(ROUTES.map((r) => [r.name, r]))

export function routeOf(name: CallName): CompiledRoute {
  const route = BY_NAME.get(name)
  if (route === undefined) throw new BzzzError('not_found', `unknown call '${String(name).slice(0, 60)}'`)
  return route
}

function decode(raw: string, what: string): string {
  try {
    return decodeURIComponent(raw)
  } catch {
    throw new BzzzError('invalid_input', `${what}: malformed percent-encoding in the path`)
  }
}

/** The path parameters of `route` in a raw (still percent-encoded) request path, or undefined when it does not match. */
export function matchRoute(route: { segments: Segment[] }, rawPath: string): Record<string, string> | undefined {
  if (!rawPath.startsWith('/')) return undefined
  const parts = rawPath.slice(1).split('/')
  const params: Record<string, string> = {}
  for (const [i, seg] of route.segments.entries()) {
    if (seg.kind === 'rest') {
      const rest = parts.slice(i).join('/')
      if (rest.length === 0) return undefined
      params[seg.name] = decode(rest, seg.name)
      return params
    }
    const part = parts[i]
    if (part === undefined) return undefined
    if (seg.kind === 'literal') {
      if (part !== seg.value) return undefined
    } else {
      if (part.length === 0) return undefined
      params[seg.name] = decode(part, seg.name)
    }
  }
  return parts.length === route.segments.length ? params : undefined
}

export type RouteLookup =
  | { kind: 'found'; route: CompiledRoute; params: Record<string, string> }
  | { kind: 'wrong_method'; allow: Method[] }
  | { kind: 'none' }

/** Finds the call for a method and raw path; a path known under other methods is `wrong_method` with those methods. */
export function lookupRoute(method: string, rawPath: string, routes: readonly CompiledRoute[] = ROUTES): RouteLookup {
  const allow = new Set<Method>()
  for (const route of routes) {
    // A path whose parameter cannot be decoded still names the route: decode errors surface only for the method asked.
    let params: Record<string, string> | undefined
    try {
      params = matchRoute(route, rawPath)
    } catch (err) {
      if (route.method === method) throw err
      allow.add(route.method)
      continue
    }
    if (params === undefined) continue
    if (route.method === method) return { kind: 'found', route, params }
    allow.add(route.method)
  }
  return allow.size > 0 ? { kind: 'wrong_method', allow: [...allow].sort() } : { kind: 'none' }
}

export interface BuiltRequest {
  method: Method
  /** Path with parameters percent-encoded, plus '?query' for GET and DELETE inputs. */
  pathAndQuery: string
  /** JSON body for POST and PUT (always an object, possibly empty). */
  body?: string
}

function encodeScalar(field: string, value: unknown): string {
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value)
  throw new BzzzError('invalid_input', `${field}: a ${value === null ? 'null' : typeof value} cannot be sent in a URL`)
}

/** The HTTP request for a call: parameters into the path, the rest into the query (GET, DELETE) or a JSON body. */
export function buildRequest(name: CallName, input: unknown): BuiltRequest {
  const route = routeOf(name)
  if (input !== undefined && (typeof input !== 'object' || input === null || Array.isArray(input))) {
    throw new BzzzError('invalid_input', `${name}: the input must be an object`)
  }
  const rest: Record<string, unknown> = { ...(input as Record<string, unknown> | undefined) }
  let path = ''
  for (const seg of route.segments) {
    if (seg.kind === 'literal') {
      path += `/${seg.value}`
      continue
    }
    const value = rest[seg.name]
    delete rest[seg.name]
    if (value === undefined || value === '') throw new BzzzError('invalid_input', `${name}: ${seg.name} is required`)
    const text = encodeScalar(`${name}: ${seg.name}`, value)
    path += '/' + (seg.kind === 'rest' ? text.split('/').map(encodeURIComponent).join('/') : encodeURIComponent(text))
  }
  if (route.method === 'POST' || route.method === 'PUT') {
    return { method: route.method, pathAndQuery: path, body: JSON.stringify(rest) }
  }
  const query = new URLSearchParams()
  for (const [key, value] of Object.entries(rest)) {
    if (value === undefined) continue
    for (const v of Array.isArray(value) ? value : [value]) query.append(key, encodeScalar(`${name}: ${key}`, v))
  }
  const qs = query.toString()
  return { method: route.method, pathAndQuery: qs.length > 0 ? `${path}?${qs}` : path }
}
