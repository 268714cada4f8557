// `bzzz peer` (the headless peer, in process) serves the WebSocket, /metrics and /ready beside the contract routes,
// and onboarding over the socket alone works as it would from the UI in a browser.
process.env.BZZZ_SCRYPT_LOG_N = '12'

import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import parsePrometheusTextFormat from 'parse-prometheus-text-format'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startHeadlessPeer, type HeadlessPeer } from '../../src-main/cli/headless-peer.ts'
import { waitFor } from '../helpers/network.ts'
import { WsTestClient } from '../helpers/ws.ts'

let dir: string
let headless: HeadlessPeer

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bzzz-headless-api-'))
  headless = await startHeadlessPeer({
    dataDir: dir,
    overrides: { mdns: false, listen: ['/ip4/127.0.0.1/tcp/0'], api: { host: '127.0.0.1', port: 0 } },
    logger: () => undefined,
  })
})

afterAll(async () => {
  await headless?.stop()
  await rm(dir, { recursive: true, force: true })
})

describe('bzzz peer: WebSocket, metrics and readiness', () => {
  it('onboards over the socket as a browser would, and becomes ready', async () => {
    const { url, port } = headless.api
    const before = await fetch(`${url}/ready`)
    expect(before.status).toBe(503)

    const c = await WsTestClient.open(`ws://127.0.0.1:${port}/api/events`, { origin: `http://localhost:${port}` })
    c.send({ type: 'auth', token: headless.token })
    await c.next((m) => m.type === 'ready')
    const created = await c.call('network.create', { networkName: 'acme', memberName: 'alice', passphrase: 'passphrase-1' })
    expect(created).toMatchObject({ ok: true, data: { member: { id: 'alice', role: 'admin' } } })
    // The headless peer starts the network by itself after onboarding; the socket sees it happen.
    await c.next((m) => m.type === 'event' && m.event.type === 'node.status' && m.event.payload.state === 'running')
    await waitFor('readiness', async () => (await fetch(`${url}/ready`)).status === 200)
    const ready = (await (await fetch(`${url}/ready`)).json()) as any
    expect(ready.checks.network).toMatchObject({ ok: true, aloneByConfiguration: true })

    const metrics = await fetch(`${url}/metrics`, { headers: { Authorization: `Bearer ${headless.token}` } })
    expect(metrics.status).toBe(200)
    const families = parsePrometheusTextFormat(await metrics.text())
    expect(families.find((f) => f.name === 'bzzz_ws_clients')?.metrics[0]?.value).toBe('1')
    expect(families.find((f) => f.name === 'bzzz_api_requests_total')?.metrics.some((m) => m.labels?.transport === 'ws' && m.labels.route === 'network.create' && m.labels.status === '200')).toBe(true)
    c.close()
  })

  it('closes its sockets when it stops', async () => {
    const c = await WsTestClient.authed(`ws://127.0.0.1:${headless.api.port}/api/events`, headless.token)
    await headless.stop()
    expect((await c.closed).code).toBe(1001)
  })
})
