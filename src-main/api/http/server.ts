// The HTTP transport of the contract (node:http only). Routes are generated from the contract table; every call goes
// through dispatch() like every other transport, so this file holds transport concerns only: routing, the bearer
// token, text-to-type coercion of query strings, body limits, status codes and headers, and a one-line request log.
import { createHash, timingSafeEqual } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { calls, type CallName } from '../../../src-shared/contract/calls.ts'
import { LIMITS } from '../../../src-shared/decisions.ts'
import { BzzzError, HTTP_STATUS, toErrorBody, type ErrorBody } from '../../../src-shared/errors.ts'
import type { HandlerTable } from '../../core/handlers/types.ts'
import type { Peer } from '../../core/peer.ts'
import { VERSION } from '../../core/version.ts'
import { AuthFailureAudit, type AuthFailure } from '../auth-audit.ts'
import { dispatch } from '../dispatch.ts'
import { clientKey, RateLimiter, rateLimitsFromConfig, type CallLimiter } from '../rate-limit.ts'
import { readJsonObject } from './body.ts'
import { ciBodyToPublishInput, isCiBody } from './ci-compat.ts'
import { coerceTextFields } from './query.ts'
import { lookupRoute, type CompiledRoute } from './routes.ts'

export type HttpLog = (line: Record<string, unknown>) => void

/** A handler mounted beside the contract routes by path prefix (e.g. '/metrics'). */
export interface ExtraRoute {
  /** '/metrics' serves '/metrics' and everything below it. */
  prefix: string
  /** Serve without the API token. Default: the token is required, as on every contract route. */
  public?: boolean
  /** Decides instead of `prefix` which paths this route serves (e.g. the UI: everything outside /api). */
  match?: (path: string) => boolean
  /** Called with the security headers already set (Content-Type is JSON until the handler sets another). */
  handle(req: IncomingMessage, res: ServerResponse): void | Promise<void>
}

export interface HttpApiOptions {
  peer: Peer
  /** The interface to bind; callers pass 127.0.0.1 unless the user asked for another. */
  host: string
  /** 0 picks a free port (see the handle's `port`). */
  port: number
  token: string
  log?: HttpLog
  extraRoutes?: ExtraRoute[]
  /** Replaces the core's handler table (tests); dispatch's validation and access checks still apply. */
  handlers?: HandlerTable
  /** Rate limits for contract calls, keyed by 'http' + remote address. Default: a limiter from peer.config.rateLimits. */
  rateLimiter?: CallLimiter
  /** Where token failures (401) go. Default: `api_auth_failed` in the peer's audit log, at most one entry per remote per minute. */
  authFailures?: { record(failure: AuthFailure): void }
  /** Told about every finished response (metrics). `route` is the call name, 'health', an extra route's prefix or 'unmatched'. */
  onResponse?: (r: { route: string; method: string; status: number; seconds: number }) => void
}

export interface HttpApiHandle {
  url: string
  port: number
  /** The underlying server, for 'upgrade' listeners (WebSocket) and the like. */
  server: Server
  close(): Promise<void>
}

/** Query parameters that look like a credential: the token is accepted only in the Authorization header. */
export const TOKEN_QUERY_KEYS = new Set(['token', 'access_token', 'api_token', 'apitoken', 'bearer', 'auth', 'authorization'])
const MAX_LOGGED_PATH = 256

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest()
}

/** Constant-time check of `Authorization: Bearer <token>` (both sides hashed to 32 bytes first). */
export function bearerMatches(header: string | undefined, expected: Buffer): boolean {
  const m = header === undefined ? null : /^Bearer[ ]+([^\s]+)[ ]*$/i.exec(header)
  const given = digest(m?.[1] ?? '')
  // Always compare, so a missing header takes as long as a wrong one.
  return timingSafeEqual(given, expected) && m !== null
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.destroy()
    return
  }
  const req = res.req
  if (!req.complete) {
    // Answered before the body was read (401, 404, 413...): close the connection rather than read and discard the
    // rest, which may be large or never end.
    res.setHeader('Connection', 'close')
    res.once('finish', () => setTimeout(() => req.socket.destroy(), 1000).unref())
  }
  const text = JSON.stringify(body)
  res.writeHead(status, { ...headers, 'Content-Length': Buffer.byteLength(text) })
  res.end(text)
}

function sendError(res: ServerResponse, error: ErrorBody, opts: { status?: number; headers?: Record<string, string> } = {}): void {
  const headers = { ...opts.headers }
  if (error.code === 'unauthenticated') headers['WWW-Authenticate'] = 'Bearer realm="bzzz"'
  if (error.code === 'rate_limited') headers['Retry-After'] = String(Math.max(1, Math.ceil(error.retryAfter ?? 1)))
  send(res, opts.status ?? HTTP_STATUS[error.code], { error }, headers)
}

function setSecurityHeaders(res: ServerResponse): void {
  res.setHeader('Content-Type', 'application/json; charset=utf-8')
  res.setHeader('X-Content-Type-Options', 'nosniff')
  res.setHeader('Cache-Control', 'no-store')
}

function splitUrl(url: string): { rawPath: string; rawQuery: string } {
  const q = url.indexOf('?')
  return q === -1 ? { rawPath: url, rawQuery: '' } : { rawPath: url.slice(0, q), rawQuery: url.slice(q + 1) }
}

/** The call's raw input: path parameters plus the query string (GET, DELETE) or the JSON body (POST, PUT). */
async function requestInput(route: CompiledRoute, params: Record<string, string>, rawQuery: string, req: IncomingMessage): Promise<Record<string, unknown>> {
  const schema = calls[route.name].input
  const fromPath = coerceTextFields(schema, Object.entries(params), route.name)
  let rest: Record<string, unknown>
  if (route.method === 'GET' || route.method === 'DELETE') {
    rest = coerceTextFields(schema, new URLSearchParams(rawQuery), route.name)
  } else {
    rest = await readJsonObject(req, LIMITS.requestBytes)
    if (route.name === 'decisions.publish' && isCiBody(fromPath.type, rest)) rest = { ...ciBodyToPublishInput(rest) }
  }
  for (const [key, value] of Object.entries(fromPath)) {
    if (Object.hasOwn(rest, key) && rest[key] !== value) {
      throw new BzzzError('invalid_input', `${route.name}: ${key} is given by the path ('${String(value).slice(0, 40)}'); do not send another value with the request`)
    }
  }
  return { ...rest, ...fromPath }
}

export async function startHttpApi(opts: HttpApiOptions): Promise<HttpApiHandle> {
  const { peer, log } = opts
  if (opts.token.length < 16) throw new BzzzError('invalid_input', 'the API token is too short (at least 16 characters)')
  const expected = digest(opts.token)
  const extraRoutes = (opts.extraRoutes ?? []).map((r) => ({ ...r, prefix: r.prefix.replace(/\/+$/, '') }))
  const startedAt = Date.now()
  const rateLimiter = opts.rateLimiter ?? new RateLimiter(() => rateLimitsFromConfig(peer.config.rateLimits))
  const ownAuthAudit = opts.authFailures === undefined ? new AuthFailureAudit(peer.audit, { log: (level, message, fields) => writeLog({ level, message, ...fields }) }) : undefined
  const authFailures = opts.authFailures ?? ownAuthAudit!

  const writeLog = (line: Record<string, unknown>): void => {
    try {
      log?.(line)
    } catch {
      // A broken logger never breaks a request.
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse, rawPath: string, rawQuery: string, seen: { call?: CallName; route?: string }): Promise<void> {
    const method = req.method ?? 'GET'
    if (rawPath === '/health') {
      seen.route = 'health'
      if (method !== 'GET') {
        sendError(res, { code: 'invalid_input', message: `${method} is not allowed on /health; use GET` }, { status: 405, headers: { Allow: 'GET' } })
        return
      }
      send(res, 200, { status: 'ok', version: VERSION, uptimeSeconds: Math.floor((Date.now() - startedAt) / 1000) })
      return
    }
    const extra = extraRoutes.find((r) => (r.match !== undefined ? r.match(rawPath) : rawPath === r.prefix || rawPath.startsWith(`${r.prefix}/`)))
    if (extra !== undefined) seen.route = extra.prefix
    if (extra?.public !== true) {
      const query = new URLSearchParams(rawQuery)
      if ([...query.keys()].some((k) => TOKEN_QUERY_KEYS.has(k.toLowerCase()))) {
        authFailures.record({ transport: 'http', remote: req.socket.remoteAddress, reason: 'token_in_url' })
        throw new BzzzError('unauthenticated', "the API token is accepted only in the Authorization header ('Authorization: Bearer TOKEN'), never in the URL")
      }
      if (!bearerMatches(req.headers.authorization, expected)) {
        authFailures.record({ transport: 'http', remote: req.socket.remoteAddress, reason: req.headers.authorization === undefined ? 'missing_token' : 'wrong_token' })
        throw new BzzzError('unauthenticated', "missing or wrong API token; send 'Authorization: Bearer TOKEN' with the token from DATA_DIR/api-token")
      }
    }
    if (extra !== undefined) {
      await extra.handle(req, res)
      return
    }
    const found = lookupRoute(method, rawPath)
    if (found.kind === 'none') throw new BzzzError('not_found', `no route for ${method} ${rawPath.slice(0, 200)}`)
    if (found.kind === 'wrong_method') {
      const message = `${method} is not allowed on ${rawPath.slice(0, 200)}; use ${found.allow.join(' or ')}`
      sendError(res, { code: 'invalid_input', message }, { status: 405, headers: { Allow: found.allow.join(', ') } })
      return
    }
    const { route, params } = found
    seen.call = route.name
    const input = await requestInput(route, params, rawQuery, req)
    const result = await dispatch(route.name, input, { peer, transport: 'http' }, {
      ...(opts.handlers === undefined ? {} : { handlers: opts.handlers }),
      onInternalError: (name, err) => writeLog({ level: 'error', call: name, error: err instanceof Error ? `${err.name}: ${err.message}` : 'non-error thrown' }),
      rateLimit: { limiter: rateLimiter, key: clientKey('http', req.socket.remoteAddress) },
    })
    if (result.ok) send(res, route.name === 'decisions.publish' ? 201 : 200, result.data)
    else sendError(res, result.error)
  }

  const server = createServer((req, res) => {
    const started = performance.now()
    const { rawPath, rawQuery } = splitUrl(req.url ?? '/')
    const seen: { call?: CallName; route?: string } = {}
    res.on('finish', () => {
      try {
        opts.onResponse?.({ route: seen.call ?? seen.route ?? 'unmatched', method: req.method ?? 'GET', status: res.statusCode, seconds: (performance.now() - started) / 1000 })
      } catch {
        // Metrics never break a request.
      }
      const line: Record<string, unknown> = { method: req.method, path: rawPath.slice(0, MAX_LOGGED_PATH), status: res.statusCode, ms: Math.round((performance.now() - started) * 10) / 10 }
      if (seen.call !== undefined) line.call = seen.call
      writeLog(line)
    })
    setSecurityHeaders(res)
    handle(req, res, rawPath, rawQuery, seen).catch((err: unknown) => {
      if (!(err instanceof BzzzError)) writeLog({ level: 'error', path: rawPath.slice(0, MAX_LOGGED_PATH), error: err instanceof Error ? `${err.name}: ${err.message}` : 'non-error thrown' })
      sendError(res, toErrorBody(err))
    })
  })
  server.requestTimeout = 60_000
  server.headersTimeout = 20_000
  // Malformed HTTP never reaches a handler; answer it in JSON too instead of Node's bare 400.
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (!socket.writable || err.code === 'ECONNRESET') {
      socket.destroy()
      return
    }
    const tooBig = err.code === 'HPE_HEADER_OVERFLOW'
    const body = JSON.stringify({ error: { code: tooBig ? 'too_large' : 'invalid_input', message: tooBig ? 'request headers too large' : 'malformed HTTP request' } })
    socket.end(
      `HTTP/1.1 ${tooBig ? '431 Request Header Fields Too Large' : '400 Bad Request'}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `X-Content-Type-Options: nosniff\r\nCache-Control: no-store\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    )
  })

  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      reject(
        err.code === 'EADDRINUSE'
          ? new BzzzError('conflict', `port ${opts.port} on ${opts.host} is already in use; choose another port`, { cause: err })
          : err.code === 'EADDRNOTAVAIL'
            ? new BzzzError('invalid_input', `cannot listen on ${opts.host}: no such local address`, { cause: err })
            : err,
      )
    }
    server.once('error', onError)
    server.listen({ host: opts.host, port: opts.port, exclusive: true }, () => {
      server.off('error', onError)
      resolve()
    })
  })

  const port = (server.address() as AddressInfo).port
  const url = `http://${opts.host.includes(':') ? `[${opts.host}]` : opts.host}:${port}`
  let closing: Promise<void> | undefined
  return {
    url,
    port,
    server,
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()))
        server.closeIdleConnections()
        // In-flight requests get a moment to finish; then every connection goes.
        setTimeout(() => server.closeAllConnections(), 2000).unref()
      }).finally(() => ownAuthAudit?.close())
      return closing
    },
  }
}
