// The WebSocket transport: GET /api/events upgrades to a socket that streams the contract's events and accepts the
// contract's calls, so the React UI runs in a plain browser over this one socket exactly as over IPC in Electron.
//
// Protocol (JSON text messages):
//   client -> server  { "type": "auth", "token": "..." }            first message, within 5 s, unless the upgrade
//                                                                    carried 'Authorization: Bearer TOKEN'
//                     { "id": "1" | 1, "call": "decisions.get", "args": { ... } }
//                     { "type": "ping" }                             application-level keepalive (browsers)
//   server -> client  { "type": "ready", "version": "..." }         authenticated: events follow, calls are accepted
//                     { "type": "event", "event": { "type", "at", "payload" } }
//                     { "id", "result": { "ok": true, "data" } | { "ok": false, "error": { code, message } } }
//                     { "type": "error", "error": { code, message } }  a message that names no call id
//                     { "type": "pong" }
//
// Security: the token never in the URL (a `token`/`access_token` query parameter is refused with 401 before the
// upgrade); a browser Origin must be this API's own origin (http://127.0.0.1:PORT, http://localhost:PORT, [::1] or the
// bound host) — anything else, `null` included, gets 403 before the upgrade, so another web page cannot open a socket
// to the local peer (DNS rebinding included, since the allowed hosts are fixed names, not the Host header); clients
// without an Origin (scripts) are allowed. Token failures are audited. Calls go through dispatch (transport 'ws')
// with the rate limiter keyed by 'ws' + remote address. Events are filtered by what the local member may see
// (event-filter.ts). Each client has a bounded send queue: past `maxBufferedBytes` buffered or `maxPendingMessages`
// unsent messages it is dropped (close 4008), so a slow client never slows the peer or grows its memory.
import { createHash } from 'node:crypto'
import type { IncomingMessage, Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import { WebSocketServer, WebSocket, type RawData } from 'ws'
import { isCallName } from '../../../src-shared/contract/calls.ts'
import { isEventName, type EventMessage } from '../../../src-shared/contract/events.ts'
import { LIMITS } from '../../../src-shared/decisions.ts'
import { BzzzError, HTTP_STATUS, toErrorBody, type ErrorBody, type ErrorCode, type Result } from '../../../src-shared/errors.ts'
import type { HandlerTable } from '../../core/handlers/types.ts'
import type { Logger, Peer } from '../../core/peer.ts'
import { VERSION } from '../../core/version.ts'
import type { AuthFailure } from '../auth-audit.ts'
import { dispatch } from '../dispatch.ts'
import { filterEventFor } from '../event-filter.ts'
import { bearerMatches, TOKEN_QUERY_KEYS } from '../http/server.ts'
import { clientKey, RateLimiter, rateLimitsFromConfig, type CallLimiter } from '../rate-limit.ts'

export const EVENTS_PATH = '/api/events'

/** Close codes: 4401 authentication failed or missing, 4008 the client reads too slowly, 1001 the peer stops. */
export const CLOSE = { unauthenticated: 4401, tooSlow: 4008, goingAway: 1001, noPong: 4000 } as const

export interface EventSocketLimits {
  /** Drop a client whose socket holds more than this many unsent bytes. Default 1 MiB. */
  maxBufferedBytes: number
  /** Drop a client with more than this many messages not yet written to its socket. Default 1000. */
  maxPendingMessages: number
  /** A larger message is answered with `too_large` (the socket stays); the frame limit is twice this. Default LIMITS.requestBytes. */
  maxMessageBytes: number
  /** Time for the first message `{ type: 'auth' }` when the upgrade carried no Authorization header. Default 5 s. */
  authTimeoutMs: number
  /** Ping every client this often; one that has not answered the previous ping is terminated. Default 30 s. */
  pingIntervalMs: number
  /** Open sockets, authenticated or not. Default 64. */
  maxClients: number
  /** Calls in progress per client; more are answered with `rate_limited`. Default 32. */
  maxInFlight: number
}

export const DEFAULT_LIMITS: EventSocketLimits = {
  maxBufferedBytes: 1024 * 1024,
  maxPendingMessages: 1000,
  maxMessageBytes: LIMITS.requestBytes,
  authTimeoutMs: 5_000,
  pingIntervalMs: 30_000,
  maxClients: 64,
  maxInFlight: 32,
}

export interface EventSocketOptions {
  server: Server
  peer: Peer
  token: string
  /** The host the API is bound to: its origin is allowed besides 127.0.0.1, localhost and [::1]. */
  host?: string
  /** Default: a limiter of its own from peer.config.rateLimits (serve.ts shares the HTTP server's). */
  rateLimiter?: CallLimiter
  authFailures?: { record(failure: AuthFailure): void }
  handlers?: HandlerTable
  log?: Logger
  limits?: Partial<EventSocketLimits>
  /** Every answered call (metrics): route = call name (or 'unmatched'), status = the HTTP status of the outcome. */
  onCall?: (r: { route: string; status: number; seconds: number }) => void
  /** Every client the server drops (metrics). */
  onDrop?: (reason: 'too_slow' | 'no_pong' | 'unauthenticated') => void
}

export interface EventSocketHandle {
  /** Authenticated clients. */
  readonly clients: number
  close(): Promise<void>
}

interface Client {
  ws: WebSocket
  remote: string | undefined
  authed: boolean
  alive: boolean
  dropped: boolean
  pending: number
  inFlight: number
  authTimer: NodeJS.Timeout | undefined
}

const utf8 = new TextDecoder('utf-8', { fatal: true })

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest()
}

function statusLine(status: number): string {
  return { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 503: 'Service Unavailable' }[status] ?? 'Error'
}

/** Answers an upgrade request with a plain HTTP error and closes the socket; nothing was upgraded. */
function refuse(socket: Duplex, code: ErrorCode, message: string, status = HTTP_STATUS[code]): void {
  const body = JSON.stringify({ error: { code, message } })
  const headers = [
    `HTTP/1.1 ${status} ${statusLine(status)}`,
    'Content-Type: application/json; charset=utf-8',
    'X-Content-Type-Options: nosniff',
    'Cache-Control: no-store',
    ...(status === 401 ? ['WWW-Authenticate: Bearer realm="bzzz"'] : []),
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
  ]
  if (socket.writable) socket.end(`${headers.join('\r\n')}\r\n\r\n${body}`)
  setTimeout(() => socket.destroy(), 1000).unref()
}

/** A call message's id: a non-empty string of at most 128 characters or a finite number. */
function isId(value: unknown): value is string | number {
  return (typeof value === 'string' && value.length > 0 && value.length <= 128) || (typeof value === 'number' && Number.isFinite(value))
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export function allowedOrigins(port: number, host?: string): Set<string> {
  const withPort = (h: string): string[] => (port === 80 ? [`http://${h}`, `http://${h}:80`] : [`http://${h}:${port}`])
  const hosts = ['127.0.0.1', 'localhost', '[::1]']
  if (host !== undefined && host !== '' && host !== '0.0.0.0' && host !== '::') hosts.push(host.includes(':') && !host.startsWith('[') ? `[${host}]` : host)
  return new Set(hosts.flatMap((h) => withPort(h.toLowerCase())))
}

export function attachEventSocket(opts: EventSocketOptions): EventSocketHandle {
  const { peer, server } = opts
  if (opts.token.length < 16) throw new BzzzError('invalid_input', 'the API token is too short (at least 16 characters)')
  const expected = sha256(opts.token)
  const limits: EventSocketLimits = { ...DEFAULT_LIMITS, ...opts.limits }
  const log: Logger = opts.log ?? peer.log
  const rateLimiter = opts.rateLimiter ?? new RateLimiter(() => rateLimitsFromConfig(peer.config.rateLimits))
  const clients = new Set<Client>()
  let authedCount = 0
  let closed = false
  // Frames above twice the message limit close the socket (1009) before they are buffered; between the two, the
  // message is refused with `too_large` and the socket stays.
  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxMessageBytes * 2, perMessageDeflate: false, clientTracking: false })

  const safe = (fn: () => void): void => {
    try {
      fn()
    } catch {
      // observers never break the socket
    }
  }

  const origins = (): Set<string> => allowedOrigins((server.address() as AddressInfo | null)?.port ?? 0, opts.host)

  const authFailed = (remote: string | undefined, reason: AuthFailure['reason']): void => {
    safe(() => opts.authFailures?.record({ transport: 'ws', remote, reason }))
  }

  // -- sending --------------------------------------------------------------------------------------------------

  const drop = (client: Client, code: number, reason: string, metric: 'too_slow' | 'no_pong' | 'unauthenticated'): void => {
    if (client.dropped) return
    client.dropped = true
    if (client.authed) {
      client.authed = false
      authedCount--
    }
    safe(() => opts.onDrop?.(metric))
    log('info', 'websocket client dropped', { remote: client.remote, reason })
    try {
      client.ws.close(code, reason)
    } catch {
      // already closing
    }
    // A client that does not read will not read the close frame either.
    setTimeout(() => client.ws.terminate(), 1000).unref()
  }

  const sendText = (client: Client, text: string): void => {
    const { ws } = client
    if (client.dropped || ws.readyState !== WebSocket.OPEN) return
    if (ws.bufferedAmount > limits.maxBufferedBytes || client.pending >= limits.maxPendingMessages) {
      drop(client, CLOSE.tooSlow, 'send queue full: the client reads too slowly', 'too_slow')
      return
    }
    client.pending++
    ws.send(text, () => {
      client.pending--
    })
  }

  const send = (client: Client, message: unknown): void => sendText(client, JSON.stringify(message))

  const sendError = (client: Client, error: ErrorBody): void => send(client, { type: 'error', error })

  // -- events ---------------------------------------------------------------------------------------------------

  const unsubscribe = peer.events.subscribe((message: EventMessage) => {
    if (authedCount === 0) return
    // One member per peer: the filtered event is the same for every client, so it is filtered and serialized once.
    const visible = filterEventFor(peer, message)
    if (visible === undefined || !isEventName(visible.type)) return
    const text = JSON.stringify({ type: 'event', event: visible })
    for (const client of clients) if (client.authed) sendText(client, text)
  })

  // -- receiving ------------------------------------------------------------------------------------------------

  const authenticate = (client: Client): void => {
    if (!client.authed) {
      client.authed = true
      authedCount++
    }
    clearTimeout(client.authTimer)
    client.authTimer = undefined
    send(client, { type: 'ready', version: VERSION })
  }

  const runCall = async (client: Client, id: string | number, name: string, args: unknown): Promise<void> => {
    const started = performance.now()
    let result: Result<unknown>
    if (client.inFlight >= limits.maxInFlight) {
      result = { ok: false, error: { code: 'rate_limited', message: `more than ${limits.maxInFlight} calls in progress on this socket; wait for answers`, retryAfter: 1 } }
    } else {
      client.inFlight++
      try {
        result = await dispatch(name, args, { peer, transport: 'ws' }, {
          ...(opts.handlers === undefined ? {} : { handlers: opts.handlers }),
          rateLimit: { limiter: rateLimiter, key: clientKey('ws', client.remote) },
          onInternalError: (call, err) => log('error', 'websocket call failed', { call, error: err instanceof Error ? `${err.name}: ${err.message}` : 'non-error thrown' }),
        })
      } finally {
        client.inFlight--
      }
    }
    safe(() => opts.onCall?.({ route: isCallName(name) ? name : 'unmatched', status: result.ok ? 200 : HTTP_STATUS[result.error.code], seconds: (performance.now() - started) / 1000 }))
    send(client, { id, result })
  }

  const onMessage = (client: Client, data: RawData, isBinary: boolean): void => {
    if (client.dropped) return
    const bytes = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data)
    if (!client.authed) {
      // Before authentication the only acceptable message is the token; anything else ends the socket.
      let token: unknown
      try {
        const msg: unknown = isBinary || bytes.length > 4096 ? undefined : JSON.parse(utf8.decode(bytes))
        if (isObject(msg) && msg.type === 'auth') token = msg.token
      } catch {
        token = undefined
      }
      if (typeof token === 'string' && bearerMatches(`Bearer ${token}`, expected)) {
        authenticate(client)
        return
      }
      authFailed(client.remote, token === undefined ? 'missing_token' : 'wrong_token')
      send(client, { type: 'error', error: { code: 'unauthenticated', message: "authenticate first: send { \"type\": \"auth\", \"token\": TOKEN } with the token from DATA_DIR/api-token (or 'Authorization: Bearer TOKEN' on the upgrade)" } })
      drop(client, CLOSE.unauthenticated, token === undefined ? 'authentication required' : 'wrong API token', 'unauthenticated')
      return
    }
    if (isBinary) {
      sendError(client, { code: 'invalid_input', message: 'send JSON text messages, not binary' })
      return
    }
    if (bytes.length > limits.maxMessageBytes) {
      sendError(client, { code: 'too_large', message: `the message is larger than ${limits.maxMessageBytes} bytes (${Math.round(limits.maxMessageBytes / 1024)} KiB), the limit for every call` })
      return
    }
    let msg: unknown
    try {
      msg = JSON.parse(utf8.decode(bytes))
    } catch {
      sendError(client, { code: 'invalid_input', message: 'the message is not valid JSON (UTF-8)' })
      return
    }
    if (!isObject(msg)) {
      sendError(client, { code: 'invalid_input', message: 'a message must be a JSON object: { "id", "call", "args" }' })
      return
    }
    if (msg.type === 'ping') {
      send(client, { type: 'pong' })
      return
    }
    if (msg.type === 'auth') {
      // Already authenticated (by header or an earlier message): a repeated token must still be right.
      if (typeof msg.token === 'string' && bearerMatches(`Bearer ${msg.token}`, expected)) {
        authenticate(client)
        return
      }
      authFailed(client.remote, 'wrong_token')
      sendError(client, { code: 'unauthenticated', message: 'wrong API token' })
      drop(client, CLOSE.unauthenticated, 'wrong API token', 'unauthenticated')
      return
    }
    if (!isId(msg.id)) {
      sendError(client, { code: 'invalid_input', message: 'a call needs an "id" (a string of 1 to 128 characters or a number) to answer to' })
      return
    }
    if (typeof msg.call !== 'string' || msg.call.length === 0) {
      send(client, { id: msg.id, result: { ok: false, error: { code: 'invalid_input', message: 'a call needs "call": the name of a contract call, e.g. "node.status"' } } })
      return
    }
    if (msg.args !== undefined && !isObject(msg.args)) {
      send(client, { id: msg.id, result: { ok: false, error: { code: 'invalid_input', message: `${msg.call.slice(0, 60)}: "args" must be an object` } } })
      return
    }
    const { id, call, args } = msg as { id: string | number; call: string; args?: Record<string, unknown> }
    void runCall(client, id, call, args ?? {}).catch((err: unknown) => {
      log('error', 'websocket call failed', { error: err instanceof Error ? err.message : String(err) })
      send(client, { id, result: { ok: false, error: toErrorBody(err) } })
    })
  }

  const onConnection = (ws: WebSocket, req: IncomingMessage, authedByHeader: boolean): void => {
    const client: Client = { ws, remote: req.socket.remoteAddress, authed: false, alive: true, dropped: false, pending: 0, inFlight: 0, authTimer: undefined }
    clients.add(client)
    log('debug', 'websocket client connected', { remote: client.remote, auth: authedByHeader ? 'header' : 'message' })
    ws.on('message', (data, isBinary) => onMessage(client, data, isBinary))
    ws.on('pong', () => {
      client.alive = true
    })
    ws.on('error', (err) => log('debug', 'websocket error', { remote: client.remote, error: err.message }))
    ws.on('close', (code) => {
      clients.delete(client)
      if (client.authed) authedCount--
      client.authed = false
      clearTimeout(client.authTimer)
      log('debug', 'websocket client closed', { remote: client.remote, code })
    })
    if (authedByHeader) authenticate(client)
    else {
      client.authTimer = setTimeout(() => {
        if (client.authed || client.dropped) return
        authFailed(client.remote, 'auth_timeout')
        send(client, { type: 'error', error: { code: 'unauthenticated', message: `no { "type": "auth" } message within ${Math.round(limits.authTimeoutMs / 1000)} s` } })
        drop(client, CLOSE.unauthenticated, 'authentication timed out', 'unauthenticated')
      }, limits.authTimeoutMs)
      client.authTimer.unref()
    }
  }

  // -- the upgrade ----------------------------------------------------------------------------------------------

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const url = req.url ?? '/'
    const q = url.indexOf('?')
    const rawPath = q === -1 ? url : url.slice(0, q)
    if (rawPath !== EVENTS_PATH) {
      // Another upgrade listener may own this path; when there is none, answer instead of leaving the socket hanging.
      if (server.listenerCount('upgrade') === 1) refuse(socket, 'not_found', `no WebSocket at ${rawPath.slice(0, 200)}; use ${EVENTS_PATH}`)
      return
    }
    socket.on('error', () => socket.destroy())
    const remote = req.socket.remoteAddress
    if (closed) {
      refuse(socket, 'unavailable', 'the peer is shutting down')
      return
    }
    const query = new URLSearchParams(q === -1 ? '' : url.slice(q + 1))
    if ([...query.keys()].some((k) => TOKEN_QUERY_KEYS.has(k.toLowerCase()))) {
      authFailed(remote, 'token_in_url')
      refuse(socket, 'unauthenticated', "the API token is never accepted in the URL; send 'Authorization: Bearer TOKEN' on the upgrade or { \"type\": \"auth\", \"token\": TOKEN } as the first message")
      return
    }
    const origin = req.headers.origin
    if (origin !== undefined && !origins().has(origin.toLowerCase())) {
      refuse(socket, 'forbidden', `origin ${origin.slice(0, 100)} may not open a socket to this peer; only the peer's own UI may`)
      return
    }
    const authorization = req.headers.authorization
    if (authorization !== undefined && !bearerMatches(authorization, expected)) {
      authFailed(remote, 'wrong_token')
      refuse(socket, 'unauthenticated', "wrong API token; send 'Authorization: Bearer TOKEN' with the token from DATA_DIR/api-token")
      return
    }
    if (clients.size >= limits.maxClients) {
      refuse(socket, 'unavailable', `too many WebSocket clients (${limits.maxClients}); close another one first`)
      return
    }
    wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws, req, authorization !== undefined))
  }
  server.on('upgrade', onUpgrade)

  // -- keepalive ------------------------------------------------------------------------------------------------

  const pinger = setInterval(() => {
    for (const client of clients) {
      if (client.dropped) continue
      if (!client.alive) {
        drop(client, CLOSE.noPong, 'no pong', 'no_pong')
        client.ws.terminate()
        continue
      }
      client.alive = false
      try {
        client.ws.ping()
      } catch {
        // closing
      }
    }
  }, limits.pingIntervalMs)
  pinger.unref()

  let closing: Promise<void> | undefined
  return {
    get clients() {
      return authedCount
    },
    close() {
      closing ??= (async () => {
        closed = true
        clearInterval(pinger)
        unsubscribe()
        server.off('upgrade', onUpgrade)
        const gone = [...clients].map(
          (c) =>
            new Promise<void>((resolve) => {
              if (c.ws.readyState === WebSocket.CLOSED) return resolve()
              c.ws.once('close', () => resolve())
              c.dropped = true
              try {
                c.ws.close(CLOSE.goingAway, 'the peer is shutting down')
              } catch {
                // already closing
              }
              setTimeout(() => c.ws.terminate(), 1000).unref()
            }),
        )
        await Promise.all(gone)
        await new Promise<void>((resolve) => wss.close(() => resolve()))
      })()
      return closing
    },
  }
}
