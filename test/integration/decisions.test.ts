// Publish on one peer, read on another: real peers on loopback TCP, real DHT, real gossip.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Peer } from '../../src-main/core/peer.ts'
import { callAs, createTestNetwork, waitFor, type TestNetwork } from '../helpers/network.ts'

let net: TestNetwork
let architect: Peer
let backend: Peer
let observer: Peer

const call = callAs

beforeAll(async () => {
  net = await createTestNetwork(['architect', 'backend_dev', 'observer'])
  ;[architect, backend, observer] = net.members as [Peer, Peer, Peer]
}, 60_000)
afterAll(() => net?.close())

describe('decisions across peers', () => {
  it('publishes on one peer and reads it decrypted on another, with replicas counted', async () => {
    const out = await call(architect, 'decisions.publish', {
      type: 'architectural',
      title: 'Use PostgreSQL for the ledger',
      body: '## Context\nWe need transactions.',
      audience: 'backend_dev',
      project: 'payments',
      task: 'storage',
      tags: ['database'],
    })
    expect(out.address).toMatch(/^architect-1\/architect\/payments\/storage\/[0-9a-z]{26}$/)
    expect(out.replicas).toBeGreaterThanOrEqual(2)
    await waitFor('the announcement to reach the backend developer', () => backend.index.has(out.address))
    const got = await call(backend, 'decisions.get', { address: out.address })
    expect(got.content.title).toBe('Use PostgreSQL for the ledger')
    expect(got.signature).toMatchObject({ valid: true, signer: 'architect-1' })
    expect(got.header.audience).toBe('backend_dev')
  })

  it('refuses a reader below the audience with a permission error, never ciphertext, and shows it locked', async () => {
    const out = await call(architect, 'decisions.publish', { type: 'decision', title: 'Secret plan', body: 'x', audience: 'architect', project: 'payments', task: 'plan' })
    await waitFor('announcement at observer', () => observer.index.has(out.address))
    await expect(call(observer, 'decisions.get', { address: out.address })).rejects.toMatchObject({ code: 'forbidden', message: expect.stringContaining('addressed to architect') })
    const list = await call(observer, 'decisions.list', { pattern: '**/plan/*' })
    const item = list.items.find((i) => i.header.address === out.address)
    expect(item).toMatchObject({ locked: true, reason: 'role', readableBy: ['architect', 'admin'] })
    expect(JSON.stringify(item)).not.toContain('Secret plan')
    // The admin reads everything.
    await waitFor('announcement at admin', () => net.admin.index.has(out.address))
    expect((await call(net.admin, 'decisions.get', { address: out.address })).content.title).toBe('Secret plan')
  })

  it('answers wildcard, type, status, tag and text queries', async () => {
    const a = await call(backend, 'decisions.publish', { type: 'decision', title: 'Retry with jitter', body: 'exponential backoff', audience: 'observer', project: 'api', task: 'retries', status: 'accepted', tags: ['resilience'] })
    const b = await call(backend, 'decisions.publish', { type: 'suggestion', title: 'Cache tokens', body: 'use an LRU', audience: 'backend_dev', project: 'api', task: 'auth' })
    await waitFor('both at observer', () => observer.index.has(a.address) && observer.index.has(b.address))
    const ofApi = await call(observer, 'decisions.list', { pattern: '*/*/api/**' })
    expect(ofApi.items.map((i) => i.header.address).sort()).toEqual([a.address, b.address].sort())
    expect(ofApi.items.find((i) => i.header.address === b.address)?.locked).toBe(true)
    const accepted = await call(observer, 'decisions.list', { status: 'accepted', tag: 'resilience' })
    expect(accepted.items.map((i) => i.header.address)).toEqual([a.address])
    const text = await call(backend, 'decisions.list', { q: 'LRU' })
    expect(text.items.map((i) => i.header.address)).toEqual([b.address])
    const suggestions = await call(backend, 'decisions.list', { type: 'suggestion', pattern: 'backend-dev-2/**' })
    expect(suggestions.total).toBe(1)
    await expect(call(backend, 'decisions.list', { pattern: 'a/**/b*' })).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringContaining("mixes '*' with text") })
  })

  it('keeps versions: a new version supersedes the old one and the history links both', async () => {
    const v1 = await call(architect, 'decisions.publish', { type: 'architectural', title: 'Queue: RabbitMQ', body: 'v1', audience: 'observer', project: 'events', task: 'queue' })
    const v2 = await call(architect, 'decisions.publish', { type: 'architectural', title: 'Queue: NATS', body: 'v2', audience: 'observer', project: 'events', task: 'queue', links: [{ kind: 'supersedes', address: v1.address }] })
    await waitFor('both at observer', () => observer.index.has(v1.address) && observer.index.has(v2.address))
    const old = await call(observer, 'decisions.get', { address: v1.address })
    expect(old.supersededBy).toEqual([v2.address])
    const history = await call(observer, 'decisions.history', { address: v2.address })
    expect(history.versions.map((v) => v.header.address)).toEqual([v1.address, v2.address])
  })

  it('enforces the matrix on publish: an observer may suggest but not decide', async () => {
    await expect(call(observer, 'decisions.publish', { type: 'decision', title: 't', audience: 'observer', project: 'p', task: 't' })).rejects.toMatchObject({ code: 'forbidden' })
    const ok = await call(observer, 'decisions.publish', { type: 'suggestion', title: 'Add dark mode', audience: 'observer', project: 'ui', task: 'theme' })
    expect(ok.address).toMatch(/^observer-3\/observer\/ui\/theme\//)
  })

  it('rejects oversized content with too_large and a documented limit', async () => {
    await expect(call(architect, 'decisions.publish', { type: 'decision', title: 'big', body: 'x'.repeat(300 * 1024), audience: 'observer', project: 'p', task: 't' })).rejects.toMatchObject({ code: 'too_large', message: expect.stringContaining('256 KiB') })
  })
})
