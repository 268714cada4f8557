process.env.BZZZ_SCRYPT_LOG_N = '12'

import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LIMITS } from '../../../src-shared/decisions.ts'
import { refusalOf, WsTestClient } from '../../../test/helpers/ws.ts'
import { Peer } from '../../core/peer.ts'
import { startApiServer, type ApiServer } from '../serve.ts'
import { CLOSE } from './event-socket.ts'

const TOKEN = 'ws-test-token-0123456789abcdefghijklmnopqrstuv'
const PASSPHRASE = 'passphrase-1'

interface Running {
  peer: Peer
  api: ApiServer
  dir: string
  ws: string
}

async function start(wsLimits: Parameters<typeof startApiServer>[0]['wsLimits'] = {}): Promise<Running> {
  const dir = await mkdtemp(join(tmpdir(), 'bzzz-ws-'))
  const peer = await Peer.open({ dataDir: dir, command: 'test', config: { mdns: false } })
  const api = await startApiServer({ peer, host: '127.0.0.1', port: 0, token: TOKEN, wsLimits: { authTimeoutMs: 400, ...wsLimits } })
  return { peer, api, dir, ws: `ws://127.0.0.1:${api.port}/api/events` }
}

async function stop(r: Running): Promise<void> {
  await r.api.close()
  await r.peer.close()
  await rm(r.dir, { recursive: true, force: true })
}

const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms))

describe('WebSocket /api/events: authentication and origin', () => {
  let r: Running
  beforeAll(async () => {
    r = await start()
  })
  afterAll(async () => stop(r))

  it('accepts the token in the Authorization header and says ready', async () => {
    const c = await WsTestClient.open(r.ws, { headers: { Authorization: `Bearer ${TOKEN}` } })
    expect(await c.next((m) => m.type === 'ready')).toEqual({ type: 'ready', version: expect.any(String) })
    expect(r.api.events.clients).toBe(1)
    expect(await c.call('node.status')).toMatchObject({ ok: true, data: { vault: 'absent' } })
    c.close()
  })

  it('accepts the token as the first message (browsers), and calls work after it', async () => {
    const c = await WsTestClient.open(r.ws, { origin: `http://127.0.0.1:${r.api.port}` })
    c.send({ type: 'auth', token: TOKEN })
    await c.next((m) => m.type === 'ready')
    expect(await c.call('node.status')).toMatchObject({ ok: true, data: { vault: 'absent' } })
    c.close()
    const local = await WsTestClient.open(r.ws, { origin: `http://localhost:${r.api.port}` })
    local.send({ type: 'auth', token: TOKEN })
    await local.next((m) => m.type === 'ready')
    local.close()
  })

  it('refuses a wrong token in the header, and a token in the URL even beside a good header, before upgrading', async () => {
    const wrong = await refusalOf(WsTestClient.open(r.ws, { headers: { Authorization: 'Bearer not-the-token' } }))
    expect(wrong?.status).toBe(401)
    expect(wrong?.body.error.code).toBe('unauthenticated')
    for (const key of ['token', 'access_token']) {
      for (const headers of [{}, { Authorization: `Bearer ${TOKEN}` }] as Record<string, string>[]) {
        const inUrl = await refusalOf(WsTestClient.open(`${r.ws}?${key}=${TOKEN}`, { headers }))
        expect(inUrl?.status).toBe(401)
        expect(inUrl?.body.error.message).toMatch(/never accepted in the URL/)
      }
    }
  })

  it('refuses a foreign or null Origin with 403 before upgrading; no Origin (scripts) is fine', async () => {
    for (const origin of ['http://evil.example', `http://evil.example:${r.api.port}`, `http://127.0.0.1:${r.api.port + 1}`, `https://127.0.0.1:${r.api.port}`, 'null']) {
      const refused = await refusalOf(WsTestClient.open(r.ws, { origin, headers: { Authorization: `Bearer ${TOKEN}` } }))
      expect(refused?.status, origin).toBe(403)
      expect(refused?.body.error.code).toBe('forbidden')
    }
    expect(await refusalOf(WsTestClient.authed(r.ws, TOKEN))).toBeUndefined()
  })

  it('closes a socket that sends no token, a wrong token or a call before authenticating', async () => {
    const silent = await WsTestClient.open(r.ws)
    expect(await silent.closed).toEqual({ code: CLOSE.unauthenticated, reason: 'authentication timed out' })
    expect(silent.messages.some((m) => m.type === 'ready')).toBe(false)

    const wrong = await WsTestClient.open(r.ws)
    wrong.send({ type: 'auth', token: 'nope' })
    expect(await wrong.closed).toEqual({ code: CLOSE.unauthenticated, reason: 'wrong API token' })
    expect(wrong.messages[0]).toMatchObject({ type: 'error', error: { code: 'unauthenticated' } })

    const eager = await WsTestClient.open(r.ws)
    eager.send({ id: 1, call: 'node.status' })
    expect((await eager.closed).code).toBe(CLOSE.unauthenticated)
    expect(eager.messages.some((m) => m.id === 1)).toBe(false)
  })

  it('audits token failures with transport and remote, never the token', async () => {
    await sleep(100)
    const entries = (await r.peer.audit.list()).filter((e) => e.kind === 'api_auth_failed')
    expect(entries.some((e) => e.detail.transport === 'ws' && e.detail.remote === '127.0.0.1')).toBe(true)
    expect(JSON.stringify(entries)).not.toContain(TOKEN)
    expect(JSON.stringify(entries)).not.toContain('not-the-token')
    // One entry per remote and window, however many failures.
    expect(entries.filter((e) => e.detail.transport === 'ws')).toHaveLength(1)
  })

  it('refuses other upgrade paths with 404', async () => {
    const other = await refusalOf(WsTestClient.open(`ws://127.0.0.1:${r.api.port}/api/other`, { headers: { Authorization: `Bearer ${TOKEN}` } }))
    expect(other?.status).toBe(404)
  })
})

describe('WebSocket /api/events: calls and events', () => {
  let r: Running
  let c: WsTestClient
  beforeAll(async () => {
    r = await start()
    c = await WsTestClient.authed(r.ws, TOKEN)
  })
  afterAll(async () => {
    c.close()
    await stop(r)
  })

  it('runs contract calls through dispatch and returns contract errors', async () => {
    const created = await c.call('network.create', { networkName: 'acme', memberName: 'alice', passphrase: PASSPHRASE })
    expect(created).toMatchObject({ ok: true, data: { vault: 'unlocked', member: { id: 'alice', role: 'admin' } } })
    expect(await c.call('network.create', { networkName: 'acme', memberName: 'alice', passphrase: PASSPHRASE })).toMatchObject({ ok: false, error: { code: 'conflict' } })
    expect(await c.call('nope.nothing')).toEqual({ ok: false, error: { code: 'not_found', message: "unknown call 'nope.nothing'" } })
    const bad = await c.call('decisions.get', { address: 'not an address' })
    expect(bad.ok).toBe(false)
    expect(bad.error.code).toBe('invalid_input')
    expect(bad.error.message).toMatch(/^decisions\.get: address/)
    expect(await c.call('decisions.get', { address: 'alice/admin/p/t/n1' })).toMatchObject({ ok: false, error: { code: 'not_found' } })
    // Numeric ids are answered with the same id.
    c.send({ id: 42, call: 'node.status' })
    expect((await c.next((m) => m.id === 42)).result.ok).toBe(true)
  })

  it('answers malformed messages with an error and keeps the socket', async () => {
    const before = c.messages.length
    c.send('{not json')
    c.send('[1,2]')
    c.send({ call: 'node.status' })
    c.send({ id: 'x1', args: {} })
    c.send({ id: 'x2', call: 'node.status', args: [1] })
    c.ws.send(Buffer.from([1, 2, 3]), { binary: true })
    c.send({ id: 'big', call: 'crypto.encrypt', args: { role: 'observer', plaintext: 'x'.repeat(LIMITS.requestBytes + 10) } })
    await c.next((m) => m.type === 'error' && m.error.code === 'too_large')
    const after = c.messages.slice(before)
    expect(after.filter((m) => m.type === 'error').map((m) => m.error.code)).toEqual(['invalid_input', 'invalid_input', 'invalid_input', 'invalid_input', 'too_large'])
    expect(after.find((m) => m.id === 'x1').result.error.message).toMatch(/needs "call"/)
    expect(after.find((m) => m.id === 'x2').result.error.message).toMatch(/"args" must be an object/)
    expect(await c.call('node.status')).toMatchObject({ ok: true })
    c.send({ type: 'ping' })
    await c.next((m) => m.type === 'pong')
  })

  it('streams events as { type: "event", event: { type, at, payload } }', async () => {
    const published = await c.call('decisions.publish', { type: 'decision', title: 'Use Postgres', body: 'x', audience: 'observer', project: 'p', task: 't' })
    expect(published.ok).toBe(true)
    const ev = await c.next((m) => m.type === 'event' && m.event.type === 'decision.published')
    expect(ev).toEqual({ type: 'event', event: { type: 'decision.published', at: expect.any(Number), payload: { header: expect.objectContaining({ address: published.data.address }), title: 'Use Postgres', local: true } } })
  })

  it('delivers only node.status while the vault is locked', async () => {
    expect(await c.call('vault.lock')).toMatchObject({ ok: true, data: { vault: 'locked' } })
    const mark = c.messages.length
    r.peer.events.emit('peer.joined', { peerId: 'p1', isAdmin: false, addrs: [], relayed: false })
    r.peer.events.emit('member.added', { memberId: 'bob', name: 'bob', role: 'observer', seq: 9 })
    r.peer.events.emit('decision.published', { header: (c.events('decision.published')[0] as any).payload.header, title: 'Use Postgres', local: false })
    r.peer.events.emit('node.status', r.peer.status())
    await c.next((m) => c.messages.indexOf(m) >= mark && m.type === 'event' && m.event.type === 'node.status')
    await sleep(50)
    expect(c.messages.slice(mark).map((m) => m.event?.type)).toEqual(['node.status'])
    expect(await c.call('members.list')).toMatchObject({ ok: false, error: { code: 'locked' } })
    // Unlocked again: events flow.
    expect(await c.call('vault.unlock', { passphrase: PASSPHRASE })).toMatchObject({ ok: true })
    r.peer.events.emit('peer.joined', { peerId: 'p2', isAdmin: false, addrs: [], relayed: false })
    await c.next((m) => m.type === 'event' && m.event.type === 'peer.joined' && m.event.payload.peerId === 'p2')
  })
})

describe('WebSocket /api/events: keepalive', () => {
  let r: Running
  beforeAll(async () => {
    r = await start({ pingIntervalMs: 100 })
  })
  afterAll(async () => stop(r))

  it('pings every client and terminates one that stops answering', async () => {
    const alive = await WsTestClient.authed(r.ws, TOKEN)
    const deaf = await WsTestClient.open(r.ws, { headers: { Authorization: `Bearer ${TOKEN}` }, autoPong: false })
    await deaf.next((m) => m.type === 'ready')
    let pings = 0
    alive.ws.on('ping', () => pings++)
    const closed = await deaf.closed
    expect([CLOSE.noPong, 1006]).toContain(closed.code)
    await sleep(300)
    expect(pings).toBeGreaterThanOrEqual(2)
    expect(alive.ws.readyState).toBe(alive.ws.OPEN)
    expect(r.api.events.clients).toBe(1)
    alive.close()
  })
})

describe('WebSocket /api/events: slow clients', () => {
  let r: Running
  beforeAll(async () => {
    r = await start({ maxBufferedBytes: 256 * 1024, maxPendingMessages: 500 })
    await r.peer.createNetwork({ networkName: 'acme', memberName: 'alice', passphrase: PASSPHRASE })
  })
  afterAll(async () => stop(r))

  it('drops a client that stops reading while another keeps receiving', async () => {
    const slow = await WsTestClient.authed(r.ws, TOKEN)
    const fast = await WsTestClient.authed(r.ws, TOKEN)
    expect(r.api.events.clients).toBe(2)
    // Stop reading: the kernel buffers fill, then the server's send queue.
    ;(slow.ws as any)._socket.pause()
    const filler = 'x'.repeat(2000)
    let sent = 0
    const t0 = Date.now()
    while (r.api.events.clients === 2 && sent < 100_000 && Date.now() - t0 < 20_000) {
      for (let i = 0; i < 50; i++) r.peer.events.emit('peer.left', { peerId: `${filler}-${sent++}` })
      await new Promise((res) => setImmediate(res))
    }
    expect(r.api.events.clients).toBe(1)
    // The fast client received everything, including what was sent after the slow one was dropped.
    r.peer.events.emit('peer.left', { peerId: 'last' })
    await fast.next((m) => m.type === 'event' && m.event.payload.peerId === 'last')
    expect(fast.events('peer.left').length).toBe(sent + 1)
    ;(slow.ws as any)._socket.resume()
    expect((await slow.closed).code).toBe(CLOSE.tooSlow)
    expect(slow.events('peer.left').length).toBeLessThan(sent)
    const metrics = await r.api.metrics.text()
    expect(metrics).toMatch(/bzzz_ws_clients_dropped_total\{reason="too_slow"\} 1/)
    fast.close()
  })
})
