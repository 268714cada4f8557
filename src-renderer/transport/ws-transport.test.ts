// The browser transport against a scripted socket: auth first, calls by id, events, clean failure of calls in flight
// when the socket drops, reconnect with backoff, a refused token that stops retrying, and the keepalive.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { backoffDelay, createWsTransport, type SocketLike } from './ws-transport.ts'
import type { ConnectionInfo } from './transport.ts'

class FakeSocket implements SocketLike {
  static all: FakeSocket[] = []
  readyState = 0
  sent: any[] = []
  onopen: ((ev: unknown) => void) | null = null
  onmessage: ((ev: { data: unknown }) => void) | null = null
  onclose: ((ev: { code: number; reason: string }) => void) | null = null
  onerror: ((ev: unknown) => void) | null = null
  readonly url: string
  constructor(url: string) {
    this.url = url
    FakeSocket.all.push(this)
  }
  send(data: string) {
    this.sent.push(JSON.parse(data))
  }
  close(code = 1000, reason = '') {
    if (this.readyState === 3) return
    this.readyState = 3
    this.onclose?.({ code, reason })
  }
  // -- the server side
  open() {
    this.readyState = 1
    this.onopen?.({})
  }
  reply(message: unknown) {
    this.onmessage?.({ data: JSON.stringify(message) })
  }
  drop(code = 1006, reason = '') {
    this.readyState = 3
    this.onclose?.({ code, reason })
  }
}

const last = () => FakeSocket.all.at(-1)!

function connect(opts: Partial<Parameters<typeof createWsTransport>[0]> = {}) {
  const states: ConnectionInfo['state'][] = []
  const t = createWsTransport({ url: 'ws://127.0.0.1:1/api/events', token: 'secret-token-123456', createSocket: (u) => new FakeSocket(u), random: () => 0.5, ...opts })
  t.onConnection((c) => states.push(c.state))
  return { t, states }
}

function ready(s = last()) {
  s.open()
  s.reply({ type: 'ready', version: 'test' })
}

beforeEach(() => {
  FakeSocket.all = []
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('the WebSocket transport', () => {
  it('authenticates with the token as the first message, never in the URL', () => {
    connect()
    const s = last()
    expect(s.url).toBe('ws://127.0.0.1:1/api/events')
    s.open()
    expect(s.sent[0]).toEqual({ type: 'auth', token: 'secret-token-123456' })
  })

  it('answers calls by id and delivers events', async () => {
    const { t } = connect()
    ready()
    const events: string[] = []
    t.on((m) => events.push(m.type))
    const pending = t.call('node.status', {})
    const req = last().sent.at(-1)
    expect(req).toMatchObject({ call: 'node.status', args: {} })
    last().reply({ id: req.id, result: { ok: true, data: { term: 3 } } })
    await expect(pending).resolves.toEqual({ ok: true, data: { term: 3 } })
    last().reply({ type: 'event', event: { type: 'peer.left', at: 1, payload: { peerId: 'p' } } })
    last().reply({ type: 'event', event: { type: 'not.an.event', at: 1, payload: {} } })
    expect(events).toEqual(['peer.left'])
  })

  it('queues calls made before the socket is ready and sends them once it is', async () => {
    const { t } = connect()
    const pending = t.call('peers.list', {})
    expect(last().sent).toEqual([])
    ready()
    const req = last().sent.find((m) => m.call === 'peers.list')
    last().reply({ id: req.id, result: { ok: true, data: { peers: [] } } })
    await expect(pending).resolves.toEqual({ ok: true, data: { peers: [] } })
  })

  it('fails calls in flight at once when the socket drops, then reconnects with growing delays', async () => {
    const { t, states } = connect({ baseDelayMs: 100, maxDelayMs: 1000 })
    ready()
    const inflight = t.call('decisions.list', {})
    last().drop()
    const r = await inflight
    expect(r.ok).toBe(false)
    expect(!r.ok && r.error.code).toBe('unavailable')
    expect(t.connection().state).toBe('reconnecting')
    // With the jitter fixed at the middle: attempt 0 waits 75 ms (of 50..100), attempt 1 150 ms (of 100..200).
    vi.advanceTimersByTime(75)
    expect(FakeSocket.all).toHaveLength(2)
    last().drop()
    expect(t.connection().attempt).toBe(1)
    vi.advanceTimersByTime(149)
    expect(FakeSocket.all).toHaveLength(2)
    vi.advanceTimersByTime(1)
    expect(FakeSocket.all).toHaveLength(3)
    ready()
    expect(t.connection()).toEqual({ state: 'open', attempt: 0 })
    expect(states).toEqual(['open', 'reconnecting', 'reconnecting', 'open'])
  })

  it('lets a call made while reconnecting wait for the connection, and times it out cleanly', async () => {
    const { t } = connect({ baseDelayMs: 1000, queueTimeoutMs: 5000 })
    ready()
    last().drop()
    const waiting = t.call('node.status', {})
    vi.advanceTimersByTime(5000)
    const r = await waiting
    expect(!r.ok && r.error.message).toMatch(/no connection to the peer within 5 s/)
  })

  it('stops retrying when the peer refuses the token', async () => {
    const { t } = connect()
    last().open()
    last().reply({ type: 'error', error: { code: 'unauthenticated', message: 'wrong API token' } })
    last().drop(4401, 'wrong API token')
    expect(t.connection().state).toBe('unauthenticated')
    vi.advanceTimersByTime(60_000)
    expect(FakeSocket.all).toHaveLength(1)
    const r = await t.call('node.status', {})
    expect(!r.ok && r.error.code).toBe('unauthenticated')
  })

  it('pings and reconnects when no pong comes back', () => {
    const { t } = connect({ pingIntervalMs: 1000 })
    ready()
    vi.advanceTimersByTime(1000)
    expect(last().sent.at(-1)).toEqual({ type: 'ping' })
    last().reply({ type: 'pong' })
    vi.advanceTimersByTime(1000)
    expect(last().sent.at(-1)).toEqual({ type: 'ping' })
    vi.advanceTimersByTime(1000)
    expect(t.connection().state).toBe('reconnecting')
  })

  it('reconnectNow skips the wait; close stops everything', async () => {
    const { t } = connect({ baseDelayMs: 10_000 })
    ready()
    last().drop()
    t.reconnectNow()
    expect(FakeSocket.all).toHaveLength(2)
    t.close()
    expect(t.connection().state).toBe('closed')
    vi.advanceTimersByTime(60_000)
    expect(FakeSocket.all).toHaveLength(2)
  })

  it('backs off exponentially with jitter, capped', () => {
    expect(backoffDelay(0, 500, 15_000, () => 0)).toBe(250)
    expect(backoffDelay(0, 500, 15_000, () => 1)).toBe(500)
    expect(backoffDelay(3, 500, 15_000, () => 1)).toBe(4000)
    expect(backoffDelay(30, 500, 15_000, () => 1)).toBe(15_000)
  })
})
