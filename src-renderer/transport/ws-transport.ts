// The browser transport: one WebSocket to the peer's /api/events (src-main/api/ws/event-socket.ts speaks the other
// end). The token goes in the first message, never in the URL. Calls carry ids and are answered by id; events are
// pushed. When the socket drops, calls in flight fail at once with 'unavailable' (the caller shows it and may retry),
// calls made while disconnected wait for the next connection (up to `queueTimeoutMs`), and the socket reconnects with
// exponential backoff and jitter. A refused token stops the retries: only a new link can fix that.
import type { CallInput, CallName, CallOutput } from '../../src-shared/contract/calls.ts'
import { isEventName, type EventMessage } from '../../src-shared/contract/events.ts'
import type { ErrorBody, Result } from '../../src-shared/errors.ts'
import { NOT_DESKTOP, type ConnectionInfo, type Transport } from './transport.ts'

/** The part of the DOM WebSocket this transport uses, so tests can hand in a fake. */
export interface SocketLike {
  readonly readyState: number
  onopen: ((ev: unknown) => void) | null
  onmessage: ((ev: { data: unknown }) => void) | null
  onclose: ((ev: { code: number; reason: string }) => void) | null
  onerror: ((ev: unknown) => void) | null
  send(data: string): void
  close(code?: number, reason?: string): void
}

export interface WsTransportOptions {
  /** ws://host:port/api/events */
  url: string
  token: string
  createSocket?: (url: string) => SocketLike
  /** First retry delay; doubles per attempt up to maxDelayMs, with jitter. */
  baseDelayMs?: number
  maxDelayMs?: number
  /** How long a call made while disconnected waits for a connection. */
  queueTimeoutMs?: number
  /** How long a sent call waits for its answer. */
  callTimeoutMs?: number
  /** Application-level keepalive: a ping this often; no pong within the same time closes and reconnects. */
  pingIntervalMs?: number
  random?: () => number
}

/** Close code the peer uses for a refused or missing token. */
export const CLOSE_UNAUTHENTICATED = 4401
const OPEN_STATE = 1

interface Waiting {
  resolve: (r: Result<unknown>) => void
  timer: ReturnType<typeof setTimeout>
}

function failure(code: ErrorBody['code'], message: string): Result<never> {
  return { ok: false, error: { code, message } }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: () => number): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 16))
  // "Equal jitter": at least half the ceiling, so retries never bunch up at zero.
  return Math.round(ceiling / 2 + (random() * ceiling) / 2)
}

export function createWsTransport(opts: WsTransportOptions): Transport {
  const baseDelay = opts.baseDelayMs ?? 500
  const maxDelay = opts.maxDelayMs ?? 15_000
  const queueTimeout = opts.queueTimeoutMs ?? 15_000
  const callTimeout = opts.callTimeoutMs ?? 90_000
  const pingInterval = opts.pingIntervalMs ?? 20_000
  const random = opts.random ?? Math.random
  const createSocket = opts.createSocket ?? ((url: string) => new WebSocket(url) as unknown as SocketLike)

  const eventListeners = new Set<(m: EventMessage) => void>()
  const connectionListeners = new Set<(c: ConnectionInfo) => void>()
  const inFlight = new Map<string, Waiting>()
  const queued: { send: () => void; fail: (r: Result<never>) => void }[] = []
  let info: ConnectionInfo = { state: 'connecting', attempt: 0 }
  let socket: SocketLike | undefined
  let retryTimer: ReturnType<typeof setTimeout> | undefined
  let pingTimer: ReturnType<typeof setInterval> | undefined
  let awaitingPong = false
  let nextId = 1
  let closedByUs = false

  const setInfo = (next: ConnectionInfo): void => {
    info = next
    for (const l of [...connectionListeners]) {
      try {
        l(info)
      } catch {
        // a listener never breaks the transport
      }
    }
  }

  const failInFlight = (message: string): void => {
    for (const [id, w] of inFlight) {
      clearTimeout(w.timer)
      inFlight.delete(id)
      w.resolve(failure('unavailable', message))
    }
  }

  const stopPing = (): void => {
    if (pingTimer !== undefined) clearInterval(pingTimer)
    pingTimer = undefined
    awaitingPong = false
  }

  const scheduleReconnect = (reason: string): void => {
    if (closedByUs) return
    const attempt = info.state === 'open' || info.state === 'connecting' ? 0 : info.attempt + 1
    const delay = backoffDelay(attempt, baseDelay, maxDelay, random)
    setInfo({ state: 'reconnecting', attempt, nextRetryAt: Date.now() + delay, lastError: reason })
    clearTimeout(retryTimer)
    retryTimer = setTimeout(connect, delay)
  }

  const onSocketGone = (s: SocketLike, code: number, reason: string): void => {
    if (socket !== s) return
    socket = undefined
    stopPing()
    const why = code === CLOSE_UNAUTHENTICATED ? 'the peer refused the API token' : reason !== '' ? reason : 'the connection to the peer was lost'
    failInFlight(`${why}; the call may or may not have run on the peer. Reconnecting…`)
    if (closedByUs) return
    if (code === CLOSE_UNAUTHENTICATED) {
      setInfo({ state: 'unauthenticated', attempt: info.attempt, lastError: why })
      for (const q of queued.splice(0)) q.fail(failure('unauthenticated', why))
      return
    }
    scheduleReconnect(why)
  }

  const handleMessage = (s: SocketLike, raw: unknown): void => {
    if (typeof raw !== 'string') return
    let msg: unknown
    try {
      msg = JSON.parse(raw)
    } catch {
      return
    }
    if (!isObject(msg)) return
    if (msg.type === 'ready') {
      setInfo({ state: 'open', attempt: 0 })
      for (const q of queued.splice(0)) q.send()
      stopPing()
      pingTimer = setInterval(() => {
        if (awaitingPong) {
          // No answer to the last ping: the socket is dead even if the browser has not noticed.
          s.close(4000, 'no pong')
          onSocketGone(s, 4000, 'the peer stopped answering')
          return
        }
        awaitingPong = true
        s.send(JSON.stringify({ type: 'ping' }))
      }, pingInterval)
      return
    }
    if (msg.type === 'pong') {
      awaitingPong = false
      return
    }
    if (msg.type === 'event') {
      const ev = msg.event
      if (!isObject(ev) || !isEventName(ev.type)) return
      for (const l of [...eventListeners]) {
        try {
          l(ev as unknown as EventMessage)
        } catch {
          // a listener never breaks the transport
        }
      }
      return
    }
    if (msg.type === 'error') {
      const err = msg.error
      if (isObject(err) && err.code === 'unauthenticated') {
        // The close (4401) follows; mark it now so nobody retries in between.
        setInfo({ state: 'unauthenticated', attempt: info.attempt, lastError: typeof err.message === 'string' ? err.message : 'the peer refused the API token' })
      }
      return
    }
    if ((typeof msg.id === 'string' || typeof msg.id === 'number') && isObject(msg.result)) {
      const key = String(msg.id)
      const w = inFlight.get(key)
      if (w === undefined) return
      inFlight.delete(key)
      clearTimeout(w.timer)
      w.resolve(msg.result as Result<unknown>)
    }
  }

  function connect(): void {
    clearTimeout(retryTimer)
    retryTimer = undefined
    if (closedByUs) return
    if (info.state === 'unauthenticated') return
    let s: SocketLike
    try {
      s = createSocket(opts.url)
    } catch (err) {
      scheduleReconnect(err instanceof Error ? err.message : 'cannot open a WebSocket')
      return
    }
    socket = s
    s.onopen = () => {
      if (socket === s) s.send(JSON.stringify({ type: 'auth', token: opts.token }))
    }
    s.onmessage = (ev) => {
      if (socket === s) handleMessage(s, ev.data)
    }
    s.onerror = () => undefined
    s.onclose = (ev) => onSocketGone(s, ev.code, ev.reason)
  }

  const send = <N extends CallName>(name: N, args: CallInput<N>): Promise<Result<CallOutput<N>>> =>
    new Promise((resolve) => {
      const s = socket
      if (s === undefined || s.readyState !== OPEN_STATE || info.state !== 'open') {
        resolve(failure('unavailable', 'not connected to the peer; reconnecting'))
        return
      }
      const id = String(nextId++)
      const timer = setTimeout(() => {
        inFlight.delete(id)
        resolve(failure('unavailable', `the peer did not answer ${name} within ${Math.round(callTimeout / 1000)} s`))
      }, callTimeout)
      inFlight.set(id, { resolve: resolve as (r: Result<unknown>) => void, timer })
      s.send(JSON.stringify({ id, call: name, args }))
    })

  const transport: Transport = {
    call(name, args) {
      if (info.state === 'open') return send(name, args)
      if (info.state === 'unauthenticated') return Promise.resolve(failure('unauthenticated', info.lastError ?? 'the peer refused the API token'))
      if (info.state === 'closed') return Promise.resolve(failure('unavailable', 'the connection is closed'))
      return new Promise((resolve) => {
        const entry = {
          send: () => {
            clearTimeout(timer)
            void send(name, args).then(resolve)
          },
          fail: (r: Result<never>) => {
            clearTimeout(timer)
            resolve(r)
          },
        }
        const timer = setTimeout(() => {
          const i = queued.indexOf(entry)
          if (i >= 0) queued.splice(i, 1)
          resolve(failure('unavailable', `no connection to the peer within ${Math.round(queueTimeout / 1000)} s; is it running?`))
        }, queueTimeout)
        queued.push(entry)
      })
    },
    callDesktop: () => Promise.resolve(NOT_DESKTOP),
    onNavigate: () => () => undefined,
    on(listener) {
      eventListeners.add(listener)
      return () => {
        eventListeners.delete(listener)
      }
    },
    connection: () => info,
    onConnection(listener) {
      connectionListeners.add(listener)
      return () => {
        connectionListeners.delete(listener)
      }
    },
    reconnectNow() {
      if (info.state === 'reconnecting') connect()
    },
    close() {
      closedByUs = true
      clearTimeout(retryTimer)
      stopPing()
      const s = socket
      socket = undefined
      s?.close(1000, 'closed by the page')
      failInFlight('the connection was closed')
      for (const q of queued.splice(0)) q.fail(failure('unavailable', 'the connection was closed'))
      setInfo({ state: 'closed', attempt: 0 })
    },
  }
  connect()
  return transport
}

/** The peer's event socket URL for the page it served. */
export function eventsUrl(location: { protocol: string; host: string }): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/events`
}
