// Audit log, config manager and debug tools through the contract, on a real network: admin, architect, backend
// developer and observer peers on loopback TCP, each with its own store.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PARTIAL_RULES } from '../../src-shared/roles.ts'
import { sha256 } from '../../src-main/core/crypto/hash.ts'
import { xorHex } from '../../src-main/core/handlers/debug.ts'
import type { Peer } from '../../src-main/core/peer.ts'
import { decisionKey, keysKey, rosterKey } from '../../src-main/core/records/keys.ts'
import { callAs as call, createTestNetwork, PASSPHRASE, waitFor, type TestNetwork } from '../helpers/network.ts'

let net: TestNetwork
let architect: Peer
let backend: Peer
let observer: Peer

beforeAll(async () => {
  net = await createTestNetwork(['architect', 'backend_dev', 'observer'])
  ;[architect, backend, observer] = net.members as [Peer, Peer, Peer]
}, 60_000)
afterAll(() => net?.close())

const peerIdOf = (p: Peer) => p.network!.peerId

describe('audit log through the contract', () => {
  it('lets architects and the admin read and verify it; not a backend developer or an observer', async () => {
    const list = await call(architect, 'audit.list', {})
    expect(list.entries.map((e) => e.kind)).toContain('member_added')
    expect(await call(architect, 'audit.verify', {})).toEqual({ ok: true, entries: list.entries.length })
    expect((await call(net.admin, 'audit.verify', {})).ok).toBe(true)
    await expect(call(backend, 'audit.list', {})).rejects.toMatchObject({ code: 'forbidden', message: PARTIAL_RULES.debug_access.backend_dev })
    await expect(call(backend, 'audit.verify', {})).rejects.toMatchObject({ code: 'forbidden', message: expect.stringContaining('audit log') })
    await expect(call(observer, 'audit.list', {})).rejects.toMatchObject({ code: 'forbidden', message: expect.stringContaining('not allowed for observer') })
  })

  it('pages forward and lists the newest entries', async () => {
    for (let i = 0; i < 3; i++) await architect.audit.append('read_denied', { probe: i }, 'architect-1')
    const all = (await call(architect, 'audit.list', { limit: 1000 })).entries
    const newest = (await call(architect, 'audit.list', { limit: 2, newest: true })).entries
    expect(newest.map((e) => e.seq)).toEqual(all.slice(-2).map((e) => e.seq))
    const page = (await call(architect, 'audit.list', { after: 0, limit: 2 })).entries
    expect(page.map((e) => e.seq)).toEqual([1, 2])
  })

  it('names the first entry changed in the store, and verifies again once it is restored', async () => {
    const db = architect.store.json<Record<string, unknown>>('audit')
    const original = (await db.get('000000000001'))!
    await db.put('000000000001', { ...original, actor: 'someone-else' })
    expect(await call(architect, 'audit.verify', {})).toMatchObject({ ok: false, firstBroken: 1, entries: 1, reason: 'entry 1 was changed after it was written' })
    await architect.store.bytes('audit').put('000000000001', new TextEncoder().encode('{not json'))
    expect(await call(architect, 'audit.verify', {})).toMatchObject({ ok: false, firstBroken: 1, reason: 'entry 1 is not a readable audit entry' })
    await db.put('000000000001', original)
    expect((await call(architect, 'audit.verify', {})).ok).toBe(true)
  })

  it('records the security-relevant acts of a realistic flow, and never a title, body, key, invite or passphrase', async () => {
    const secrets = { title: 'Quartz ledger migration 7f3a', body: 'Body text kumquat-91 with details', context: 'Context walrus-44' }
    const pub = await call(net.admin, 'decisions.publish', { type: 'architectural', title: secrets.title, body: secrets.body, context: secrets.context, audience: 'architect', project: 'ledger', task: 'migrate' })
    const pub2 = await call(architect, 'decisions.publish', { type: 'decision', title: 'Tangerine queue 12', body: 'Plum body 55', audience: 'backend_dev', project: 'ledger', task: 'queue' })
    await waitFor('the decision at the observer', () => observer.index.has(pub.address))
    await expect(call(observer, 'decisions.get', { address: pub.address })).rejects.toMatchObject({ code: 'forbidden' })
    await waitFor('the decision at the backend developer', () => backend.index.has(pub2.address))
    expect((await call(backend, 'decisions.get', { address: pub2.address })).content.title).toBe('Tangerine queue 12')
    const invite = await call(net.admin, 'members.invite', { role: 'observer' })
    const extra = await net.add('observer', 'temp-observer')
    await call(net.admin, 'members.remove', { memberId: 'temp-observer' })
    backend.lockVault()
    const wrong = 'wrong passphrase zebra-17'
    await expect(call(backend, 'vault.unlock', { passphrase: wrong })).rejects.toMatchObject({ code: 'unauthenticated' })
    await call(backend, 'vault.unlock', { passphrase: PASSPHRASE })
    await call(net.admin, 'config.set', { key: 'replicas', value: 2 })

    const kinds = async (p: Peer) => (await p.audit.list(-1, 1000)).map((e) => e.kind)
    expect(await kinds(net.admin)).toEqual(expect.arrayContaining(['network_created', 'decision_published', 'member_added', 'member_removed', 'key_rotated', 'config_changed']))
    expect(await kinds(observer)).toContain('read_denied')
    expect(await kinds(backend)).toContain('unlock_failed')
    expect(await kinds(architect)).toContain('decision_published')

    const forbidden = [secrets.title, secrets.body, secrets.context, 'Tangerine queue 12', 'Plum body 55', PASSPHRASE, wrong, invite.code, 'AGE-SECRET-KEY']
    for (const p of [...net.all, extra]) {
      const c = p.vaultHandle.contents
      forbidden.push(c.member.signingSeed, c.member.ageIdentity, ...c.roleKeys.map((k) => k.identity))
      if (c.adminSecret !== undefined) forbidden.push(c.adminSecret)
      if (c.custody !== undefined) forbidden.push(c.custody.share)
      for (const s of c.pendingShares ?? []) forbidden.push(s.share)
    }
    for (const p of [...net.all, extra]) {
      const text = JSON.stringify(await p.audit.list(-1, 1000))
      for (const secret of forbidden) expect(text.includes(secret), `audit log of ${p.dataDir} contains '${secret.slice(0, 24)}'`).toBe(false)
    }
  })
})

describe('configuration through the contract', () => {
  it('lets an architect change team settings, applied at once and audited', async () => {
    const out = await call(architect, 'config.set', { key: 'cache.entries', value: 7 })
    expect(out).toMatchObject({ key: 'cache.entries', restartRequired: [], overridden: false })
    expect(out.config.cache.entries).toBe(7)
    expect(architect.config.cache.entries).toBe(7)
    expect(JSON.parse(await readFile(join(architect.dataDir, 'config.json'), 'utf8'))).toEqual({ cache: { entries: 7 } })
    expect((await call(architect, 'config.set', { key: 'logLevel', value: 'debug' })).config.logLevel).toBe('debug')
    const last = (await architect.audit.list(-1, 1, true))[0]
    expect(last).toMatchObject({ kind: 'config_changed', actor: 'architect-1', detail: { key: 'logLevel', restartRequired: false, via: 'cli' } })
  })

  it('refuses security settings to an architect and every setting to a backend developer', async () => {
    await expect(call(architect, 'config.set', { key: 'api.port', value: 7450 })).rejects.toMatchObject({ code: 'forbidden', message: PARTIAL_RULES.system_configuration.architect })
    await expect(call(architect, 'config.set', { key: 'rateLimits.adminPerMinute', value: 100 })).rejects.toMatchObject({ code: 'forbidden' })
    await expect(call(backend, 'config.set', { key: 'cache.entries', value: 5 })).rejects.toMatchObject({ code: 'forbidden', message: expect.stringContaining('not allowed for backend_dev') })
    await expect(call(observer, 'config.set', { key: 'logLevel', value: 'warn' })).rejects.toMatchObject({ code: 'forbidden' })
    expect((await call(observer, 'config.get', {})).replicas).toBe(3)
  })

  it('lets the admin change anything, says what needs a restart, and what an override shadows', async () => {
    const port = await call(net.admin, 'config.set', { key: 'api.port', value: 7999 })
    expect(port).toMatchObject({ restartRequired: ['api.port'], overridden: false })
    expect((await call(net.admin, 'config.set', { key: 'rateLimits.decisionsPerMinute', value: 500 })).restartRequired).toEqual([])
    expect(net.admin.config.rateLimits.decisionsPerMinute).toBe(500)
    // The test network passes listen addresses the way flags do: they win over the file.
    const listen = await call(net.admin, 'config.set', { key: 'listen', value: ['/ip4/0.0.0.0/tcp/4001'] })
    expect(listen).toMatchObject({ overridden: true, restartRequired: [] })
    expect(listen.config.listen).toEqual(net.admin.config.listen)
    expect(net.admin.config.listen[0]).toMatch(/^\/ip4\/127\.0\.0\.1\/tcp\//)
  })

  it('refuses an invalid value naming the key, and writes nothing', async () => {
    const path = join(net.admin.dataDir, 'config.json')
    const before = await readFile(path, 'utf8')
    await expect(call(net.admin, 'config.set', { key: 'cache.entries', value: 'lots' })).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringMatching(/^invalid value for cache\.entries: .*nothing was written$/) })
    await expect(call(net.admin, 'config.set', { key: 'replicas', value: 0 })).rejects.toMatchObject({ message: expect.stringContaining('replicas: Too small') })
    await expect(call(net.admin, 'config.set', { key: 'no.such', value: 1 })).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringContaining("unknown setting 'no.such'") })
    expect(await readFile(path, 'utf8')).toBe(before)
    expect(net.admin.config.replicas).toBe(2)
  })
})

describe('debug tools', () => {
  it('shows the routing table with the other peers and their XOR distances', async () => {
    const others = net.all.filter((p) => p !== net.admin && p.network !== undefined).map(peerIdOf)
    await waitFor('the routing table to hold the other peers', async () => {
      const ids = (await call(net.admin, 'debug.routing', {})).peers.map((p) => p.peerId)
      return others.every((id) => ids.includes(id))
    })
    const out = await call(net.admin, 'debug.routing', {})
    expect(out.kBucketSize).toBe(20)
    const kad = (p: Peer) => sha256(p.network!.node.peerId.toMultihash().bytes)
    const entry = out.peers.find((p) => p.peerId === peerIdOf(architect))
    expect(entry).toMatchObject({ memberId: 'architect-1', distance: xorHex(kad(net.admin), kad(architect)) })
    expect(entry?.distance).toMatch(/^[0-9a-f]{64}$/)
    expect(out.peers.map((p) => p.distance)).toEqual(out.peers.map((p) => p.distance).sort())
  })

  it('shows the gossip mesh per topic', async () => {
    const topic = net.admin.network!.names.topics.decisions
    await waitFor('a mesh on the decisions topic', async () => ((await call(net.admin, 'debug.gossip', {})).topics.find((t) => t.topic === topic)?.mesh.length ?? 0) > 0)
    const out = await call(net.admin, 'debug.gossip', {})
    expect(out.topics.map((t) => t.topic)).toEqual(expect.arrayContaining([topic, net.admin.network!.names.topics.roster]))
    const decisions = out.topics.find((t) => t.topic === topic)!
    expect(decisions.subscribers).toBeGreaterThanOrEqual(3)
    expect(decisions.mesh.every((id) => net.all.some((p) => p.network?.peerId === id))).toBe(true)
  })

  it('gives a backend developer connections and the mesh, not the routing table or records', async () => {
    const out = await call(backend, 'debug.connections', {})
    const toAdmin = out.connections.find((c) => c.peerId === peerIdOf(net.admin))
    expect(toAdmin).toMatchObject({ memberId: 'admin', addr: expect.stringContaining('/ip4/127.0.0.1/tcp/') })
    expect(['inbound', 'outbound']).toContain(toAdmin?.direction)
    expect(out.connections.flatMap((c) => c.streams).some((s) => s.includes('meshsub'))).toBe(true)
    expect((await call(backend, 'debug.gossip', {})).topics.length).toBeGreaterThan(0)
    await expect(call(backend, 'debug.routing', {})).rejects.toMatchObject({ code: 'forbidden', message: PARTIAL_RULES.debug_access.backend_dev })
    await expect(call(backend, 'debug.dhtGet', { key: rosterKey(backend.session.networkId) })).rejects.toMatchObject({ code: 'forbidden' })
    await expect(call(observer, 'debug.connections', {})).rejects.toMatchObject({ code: 'forbidden' })
    expect((await call(architect, 'debug.routing', {})).peers.length).toBeGreaterThan(0)
    await expect(call(architect, 'debug.dhtGet', { key: rosterKey(architect.session.networkId) })).rejects.toMatchObject({ code: 'forbidden', message: expect.stringContaining('raw DHT access') })
  })

  it('looks up raw DHT records: a real one validates, a missing one is not found, a bad local copy does not validate', async () => {
    const net0 = net.admin.session.networkId
    const pub = await call(architect, 'decisions.publish', { type: 'decision', title: 'Grapefruit cache 3', body: 'Sealed body 88', audience: 'architect', project: 'ops', task: 'debug' })
    const found = await call(net.admin, 'debug.dhtGet', { key: decisionKey(net0, pub.address) })
    expect(found).toMatchObject({ found: true, kind: 'decision', author: 'architect-1', valid: true })
    expect(found.bytes).toBeGreaterThan(100)
    expect(JSON.stringify(found)).not.toMatch(/Grapefruit|Sealed body|sealed/)
    expect(await call(net.admin, 'debug.dhtGet', { key: rosterKey(net0) })).toMatchObject({ found: true, kind: 'roster', valid: true })
    expect(await call(net.admin, 'debug.dhtGet', { key: decisionKey(net0, 'nobody/observer/x/y/00000000000000000000000000') })).toEqual({ key: decisionKey(net0, 'nobody/observer/x/y/00000000000000000000000000'), found: false })
    const bogus = keysKey(net0, 'ghost')
    await net.admin.records.put(bogus, new TextEncoder().encode('{"v":1}'))
    expect(await call(net.admin, 'debug.dhtGet', { key: bogus })).toMatchObject({ found: true, source: 'local', valid: false, reason: expect.any(String) })
    await expect(call(net.admin, 'debug.dhtGet', { key: 'not-a-key' })).rejects.toMatchObject({ code: 'invalid_input' })
  })
})
