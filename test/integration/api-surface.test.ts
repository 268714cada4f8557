// The integration surface against a real network of peers: WebSocket events from publishes elsewhere, filtered per
// member; a flood gets 429 with Retry-After while the peer stays responsive; /metrics parses as Prometheus text;
// /ready reflects the peer's state; token failures are audited.
process.env.BZZZ_SCRYPT_LOG_N = '12'

import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import parsePrometheusTextFormat, { type PrometheusFamily } from 'parse-prometheus-text-format'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApiServer, type ApiServer } from '../../src-main/api/serve.ts'
import { Peer } from '../../src-main/core/peer.ts'
import { callAs, createTestNetwork, PASSPHRASE, waitFor, type TestNetwork } from '../helpers/network.ts'
import { WsTestClient } from '../helpers/ws.ts'

const TOKEN = 'surface-test-token-0123456789abcdefghijklmnop'

let net: TestNetwork
let admin: Peer
let architect: Peer
let observer: Peer
const apis = new Map<Peer, ApiServer>()
const clients: WsTestClient[] = []

async function api(peer: Peer): Promise<ApiServer> {
  const running = apis.get(peer)
  if (running !== undefined) return running
  const started = await startApiServer({ peer, host: '127.0.0.1', port: 0, token: TOKEN })
  apis.set(peer, started)
  return started
}

async function socket(peer: Peer): Promise<WsTestClient> {
  const c = await WsTestClient.authed(`ws://127.0.0.1:${(await api(peer)).port}/api/events`, TOKEN)
  clients.push(c)
  return c
}

async function http(peer: Peer, method: string, path: string, opts: { body?: unknown; token?: string | null } = {}) {
  const headers: Record<string, string> = {}
  const token = opts.token === undefined ? TOKEN : opts.token
  if (token !== null) headers.Authorization = `Bearer ${token}`
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json'
  const res = await fetch(`${(await api(peer)).url}${path}`, { method, headers, ...(opts.body === undefined ? {} : { body: JSON.stringify(opts.body) }) })
  const text = await res.text()
  let json: any
  try {
    json = JSON.parse(text)
  } catch {
    json = undefined
  }
  return { status: res.status, headers: res.headers, text, json }
}

const publishInput = (title: string, audience: 'observer' | 'backend_dev' | 'architect' | 'admin') => ({ type: 'decision' as const, title, body: 'b', audience, project: 'surface', task: 't' })

beforeAll(async () => {
  net = await createTestNetwork(['architect', 'observer'])
  admin = net.admin
  architect = net.members[0]!
  observer = net.members[1]!
}, 60_000)

afterAll(async () => {
  for (const c of clients) c.close()
  for (const a of apis.values()) await a.close()
  await net?.close()
})

describe('events over the WebSocket', () => {
  it('arrive for a publish on another peer, with the title for a member who may read it', async () => {
    const c = await socket(architect)
    const published = await callAs(admin, 'decisions.publish', publishInput('Adopt gRPC between services', 'observer'))
    const ev = await c.next((m) => m.type === 'event' && m.event.type === 'decision.published' && m.event.payload.header.address === published.address, 15_000)
    expect(ev.event).toMatchObject({ type: 'decision.published', at: expect.any(Number), payload: { title: 'Adopt gRPC between services', local: false, header: { author: 'admin', audience: 'observer' } } })
  })

  it('carry no title to a member who cannot read the audience (the header stays)', async () => {
    const c = await socket(observer)
    const published = await callAs(architect, 'decisions.publish', publishInput('Secret migration plan', 'architect'))
    const ev = await c.next((m) => m.type === 'event' && m.event.type === 'decision.published' && m.event.payload.header.address === published.address, 15_000)
    expect(ev.event.payload.header).toMatchObject({ audience: 'architect', author: architect.session.memberId })
    expect(ev.event.payload).not.toHaveProperty('title')
    // Even when the core hands the transport an event with a title, the filter strips it for this member.
    observer.events.emit('decision.published', { header: ev.event.payload.header, title: 'Leaked title', local: false })
    const again = await c.next((m) => m.type === 'event' && m.event.type === 'decision.published' && c.messages.indexOf(m) > c.messages.indexOf(ev))
    expect(again.event.payload).not.toHaveProperty('title')
    expect(JSON.stringify(c.messages)).not.toMatch(/Secret migration plan|Leaked title/)
  })
})

describe('metrics', () => {
  const value = (families: PrometheusFamily[], name: string, labels: Record<string, string> = {}): number | undefined => {
    const family = families.find((f) => f.name === name)
    const sample = family?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v))
    return sample?.value === undefined ? undefined : Number(sample.value)
  }

  it('serves Prometheus text behind the token that a Prometheus parser reads, and a publish moves the counter', async () => {
    expect((await http(admin, 'GET', '/metrics', { token: null })).status).toBe(401)
    const first = await http(admin, 'GET', '/metrics')
    expect(first.status).toBe(200)
    expect(first.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
    const before = parsePrometheusTextFormat(first.text)
    const names = new Set(before.map((f) => f.name))
    for (const name of [
      'bzzz_peers_connected',
      'bzzz_dht_operations_total',
      'bzzz_dht_operation_duration_seconds',
      'bzzz_decisions_published_total',
      'bzzz_decisions_retrieved_total',
      'bzzz_cache_hits_total',
      'bzzz_cache_misses_total',
      'bzzz_gossip_messages_total',
      'bzzz_election_term',
      'bzzz_election_role',
      'bzzz_custody_holds_share',
      'bzzz_custody_epoch',
      'bzzz_api_requests_total',
      'bzzz_api_request_duration_seconds',
      'bzzz_ws_clients',
      'process_cpu_user_seconds_total',
      'nodejs_heap_size_used_bytes',
    ]) {
      expect(names.has(name), name).toBe(true)
    }
    expect(value(before, 'bzzz_peers_connected')).toBeGreaterThanOrEqual(2)
    expect(value(before, 'bzzz_custody_epoch')).toBeGreaterThanOrEqual(1)
    expect(value(before, 'bzzz_election_role', { role: 'leader' })).toBe(1)
    expect(before.find((f) => f.name === 'bzzz_decisions_published_total')?.type).toBe('COUNTER')
    const published0 = value(before, 'bzzz_decisions_published_total', { outcome: 'ok' }) ?? 0

    const pub = await http(admin, 'POST', '/api/decisions/decision', { body: publishInput('Measured', 'observer') })
    expect(pub.status).toBe(201)
    const got = await http(admin, 'GET', `/api/decisions/content/${pub.json.address as string}`)
    expect(got.status).toBe(200)
    await http(admin, 'GET', `/api/decisions/content/${pub.json.address as string}`)

    const after = parsePrometheusTextFormat((await http(admin, 'GET', '/metrics')).text)
    expect(value(after, 'bzzz_decisions_published_total', { outcome: 'ok' })).toBe(published0 + 1)
    expect(value(after, 'bzzz_api_requests_total', { transport: 'http', route: 'decisions.publish', status: '201' })).toBe(1)
    expect(value(after, 'bzzz_api_requests_total', { transport: 'http', route: '/metrics', status: '401' })).toBeGreaterThanOrEqual(1)
    expect(value(after, 'bzzz_cache_hits_total')).toBeGreaterThanOrEqual(1)
    expect(value(after, 'bzzz_dht_operations_total', { op: 'put', outcome: 'ok' })).toBeGreaterThanOrEqual(1)
    expect(value(after, 'bzzz_gossip_messages_total', { kind: 'published' })).toBeGreaterThanOrEqual(1)
    // parse-prometheus-text-format merges the series of a labelled histogram (it drops their labels, sums and
    // counts), so the per-operation count is read from the text itself.
    expect(after.find((f) => f.name === 'bzzz_dht_operation_duration_seconds')?.type).toBe('HISTOGRAM')
    const text = (await http(admin, 'GET', '/metrics')).text
    expect(Number(/^bzzz_dht_operation_duration_seconds_count\{op="put"\} (\d+)$/m.exec(text)?.[1])).toBeGreaterThanOrEqual(1)
    // Labels never carry addresses or peer ids.
    expect(text).not.toContain(pub.json.address)
    expect(text).not.toContain(admin.network!.peerId)
  })
})

describe('readiness', () => {
  it('is 200 when store, network and vault are ready, 503 with reasons otherwise, without a token or identifying detail', async () => {
    const ready = await http(architect, 'GET', '/ready', { token: null })
    expect(ready.status).toBe(200)
    expect(ready.json).toEqual({
      ready: true,
      checks: {
        store: { ok: true, state: 'open' },
        network: { ok: true, state: 'running', connectedPeers: expect.any(Number), aloneByConfiguration: false },
        vault: { ok: true, state: 'unlocked' },
      },
      reasons: [],
    })
    expect(ready.text).not.toContain(architect.session.memberId)
    expect(ready.text).not.toContain(architect.network!.peerId)

    architect.lockVault()
    const locked = await http(architect, 'GET', '/ready', { token: null })
    expect(locked.status).toBe(503)
    expect(locked.json.checks.vault).toEqual({ ok: false, state: 'locked' })
    expect(locked.json.reasons).toEqual(['the vault is locked: unlock it with the passphrase'])
    await architect.unlock(PASSPHRASE)
    expect((await http(architect, 'GET', '/ready', { token: null })).status).toBe(200)
    expect((await http(architect, 'POST', '/ready', { token: null })).status).toBe(405)
  })

  it('says what is missing on a peer that is not in a network yet', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bzzz-ready-'))
    const fresh = await Peer.open({ dataDir: dir, command: 'test', config: { mdns: false } })
    try {
      const r = await http(fresh, 'GET', '/ready', { token: null })
      expect(r.status).toBe(503)
      expect(r.json.ready).toBe(false)
      expect(r.json.checks.network).toMatchObject({ ok: false, state: 'stopped', aloneByConfiguration: true })
      expect(r.json.reasons).toEqual(['the network is not running: this peer is not in a network yet (create or join one)', 'there is no vault yet: create or join a network'])
    } finally {
      await apis.get(fresh)?.close()
      apis.delete(fresh)
      await fresh.close()
      await rm(dir, { recursive: true, force: true })
    }
  })
})

describe('authentication failures', () => {
  it('are audited with transport and remote, once per window, never with the token', async () => {
    for (let i = 0; i < 20; i++) expect((await http(observer, 'GET', '/api/status', { token: `wrong-token-${i}` })).status).toBe(401)
    expect((await http(observer, 'GET', `/api/status?token=${TOKEN}`, { token: null })).status).toBe(401)
    await waitFor('the audit entry', async () => (await observer.audit.list(-1, 1000)).some((e) => e.kind === 'api_auth_failed' && e.detail.transport === 'http'))
    const entries = (await observer.audit.list(-1, 1000)).filter((e) => e.kind === 'api_auth_failed')
    expect(entries).toHaveLength(1)
    expect(entries[0]!.detail).toEqual({ transport: 'http', remote: '127.0.0.1', reason: 'wrong_token', failures: 1 })
    expect(JSON.stringify(entries)).not.toMatch(/wrong-token|surface-test-token/)
    expect(await observer.audit.verify()).toMatchObject({ ok: true })
  })
})

describe('rate limits', () => {
  it('answer a flood with 429 and Retry-After while /health, other buckets and the WebSocket stay responsive', async () => {
    const c = await socket(admin)
    let stop = false
    const limited: { status: number; retryAfter: string | null; json: any }[] = []
    let answered = 0
    const hammer = async (): Promise<void> => {
      while (!stop) {
        const r = await http(admin, 'GET', '/api/decisions?limit=1')
        answered++
        if (r.status === 429) limited.push({ status: r.status, retryAfter: r.headers.get('retry-after'), json: r.json })
        else expect(r.status).toBe(200)
      }
    }
    const flood = Promise.all(Array.from({ length: 8 }, hammer))
    try {
      await waitFor('a 429', () => limited.length > 0, 20_000, 5)
      // The flood goes on: the peer still answers everything else.
      const health = await http(admin, 'GET', '/health', { token: null })
      expect(health.status).toBe(200)
      const status = await http(admin, 'GET', '/api/status')
      expect(status.status).toBe(200)
      expect(status.json.vault).toBe('unlocked')
      expect(await c.call('node.status')).toMatchObject({ ok: true })
      // The WebSocket has its own bucket per remote: decisions calls there are not starved by the HTTP flood.
      expect(await c.call('decisions.list', { limit: 1 })).toMatchObject({ ok: true })
      const moreLimited = limited.length
      await waitFor('the flood to keep being refused', () => limited.length > moreLimited, 5_000, 5)
    } finally {
      stop = true
      await flood
    }
    expect(answered).toBeGreaterThan(100)
    const first = limited[0]!
    expect(first.retryAfter).toBe('1')
    expect(first.json.error).toEqual({ code: 'rate_limited', message: 'too many decisions calls (limit 100 per minute); retry in 1 s', retryAfter: 1 })
    const metrics = parsePrometheusTextFormat((await http(admin, 'GET', '/metrics')).text)
    const refused = metrics.find((f) => f.name === 'bzzz_api_rate_limited_total')?.metrics.find((m) => m.labels?.bucket === 'decisions')
    expect(Number(refused?.value)).toBe(limited.length)
  })

  it('limit admin operations to 10 a minute with a longer Retry-After', async () => {
    const results: number[] = []
    let retryAfter: string | null = null
    for (let i = 0; i < 12; i++) {
      const r = await http(observer, 'POST', '/api/vault/unlock', { body: { passphrase: PASSPHRASE } })
      results.push(r.status)
      if (r.status === 429) retryAfter = r.headers.get('retry-after')
    }
    expect(results.slice(0, 10).every((s) => s === 200)).toBe(true)
    expect(results.slice(10)).toEqual([429, 429])
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(5)
    // In-process callers (IPC, the local CLI) pass no limiter.
    for (let i = 0; i < 20; i++) await callAs(observer, 'vault.unlock', { passphrase: PASSPHRASE })
  })
})
