import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { dispatch } from '../api/dispatch.ts'
import { RecordError, signEnvelope } from './crypto/envelope.ts'
import { generateSigningKey } from './crypto/signing.ts'
import { ADMIN_AUTHOR, signRoster } from './membership/roster.ts'
import { Peer } from './peer.ts'

process.env.BZZZ_SCRYPT_LOG_N = '12'
const opened: Peer[] = []
afterEach(async () => {
  await Promise.all(opened.splice(0).map((p) => p.close()))
})

async function newPeer(dir?: string): Promise<Peer> {
  const peer = await Peer.open({ dataDir: dir ?? (await mkdtemp(join(tmpdir(), 'bzzz-peer-'))), command: 'test' })
  opened.push(peer)
  return peer
}

describe('peer core', () => {
  it('walks through onboarding: absent, created (unlocked), locked, unlocked again after a restart', async () => {
    const peer = await newPeer()
    expect(peer.vaultState).toBe('absent')
    expect(() => peer.session).toThrow(/no identity yet/)
    await peer.createNetwork({ networkName: 'acme', memberName: 'alice', passphrase: 'passphrase-1' })
    expect(peer.vaultState).toBe('unlocked')
    expect(peer.roster.roster.members.map((m) => m.id)).toEqual(['alice'])
    peer.lockVault()
    expect(() => peer.session).toThrow(/locked/)
    const dir = peer.dataDir
    await peer.close()
    const again = await newPeer(dir)
    expect(again.vaultState).toBe('locked')
    expect((await again.unlock('passphrase-1')).role).toBe('admin')
    expect((await again.audit.verify()).ok).toBe(true)
  })

  it('records a failed unlock in the audit log', async () => {
    const peer = await newPeer()
    await peer.createNetwork({ networkName: 'acme', memberName: 'alice', passphrase: 'passphrase-1' })
    peer.lockVault()
    await expect(peer.unlock('wrong-passphrase')).rejects.toMatchObject({ code: 'unauthenticated' })
    const entries = await peer.audit.list()
    expect(entries.map((e) => e.kind)).toEqual(['network_created', 'unlock_failed'])
  })

  it('rejects rosters not signed by the network admin key and ignores older ones', async () => {
    const peer = await newPeer()
    await peer.createNetwork({ networkName: 'acme', memberName: 'alice', passphrase: 'passphrase-1' })
    const current = peer.roster.envelope!
    const forged = signRoster({ ...current.payload, seq: 2 }, generateSigningKey())
    await expect(peer.roster.accept(forged)).rejects.toBeInstanceOf(RecordError)
    const notRoster = signEnvelope({ kind: 'vote', net: current.net, author: ADMIN_AUTHOR, seq: 5, payload: {}, ttlMs: 1000 }, peer.session.admin!.signing)
    await expect(peer.roster.accept(notRoster)).rejects.toMatchObject({ reason: 'unknown_kind' })
    const newer = signRoster({ ...current.payload, seq: 2 }, peer.session.admin!.signing)
    expect(await peer.roster.accept(newer)).toBe(true)
    expect(await peer.roster.accept(current)).toBe(false)
    expect(peer.roster.roster.seq).toBe(2)
  })

  it('dispatches contract calls with validation and permission checks', async () => {
    const peer = await newPeer()
    const ctx = { peer, transport: 'cli' as const }
    expect(await dispatch('node.status', {}, ctx)).toMatchObject({ ok: true, data: { vault: 'absent' } })
    expect(await dispatch('peers.list', {}, ctx)).toMatchObject({ ok: false, error: { code: 'not_found' } })
    expect(await dispatch('no.such.call', {}, ctx)).toMatchObject({ ok: false, error: { code: 'not_found', message: "unknown call 'no.such.call'" } })
    const bad = await dispatch('network.create', { networkName: 'a/b', memberName: 'x', passphrase: 'short' }, ctx)
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_input' } })
    expect(!bad.ok && bad.error.message).toMatch(/networkName: .*contains "\/".*passphrase: a passphrase needs at least 8/)
    await dispatch('network.create', { networkName: 'acme', memberName: 'alice', passphrase: 'passphrase-1' }, ctx)
    const enc = await dispatch('crypto.encrypt', { role: 'architect', plaintext: 'hi' }, ctx)
    expect(enc.ok).toBe(true)
    const dec = await dispatch('crypto.decrypt', { armored: enc.ok ? (enc.data as { armored: string }).armored : '' }, ctx)
    expect(dec).toMatchObject({ ok: true, data: { plaintext: 'hi', role: 'architect' } })
    await dispatch('vault.lock', {}, ctx)
    expect(await dispatch('crypto.encrypt', { role: 'observer', plaintext: 'x' }, ctx)).toMatchObject({ ok: false, error: { code: 'locked' } })
  })
})

describe('audit log', () => {
  it('chains entries and names the first one changed', async () => {
    const peer = await newPeer()
    for (let i = 0; i < 5; i++) await peer.audit.append('decision_published', { i }, 'alice')
    expect(await peer.audit.verify()).toEqual({ ok: true, entries: 5 })
    const db = peer.store.json<Record<string, unknown>>('audit')
    const entry = await db.get('000000000002')
    await db.put('000000000002', { ...entry, detail: { i: 99 } })
    expect(await peer.audit.verify()).toMatchObject({ ok: false, firstBroken: 2, reason: expect.stringContaining('changed') })
    await rm(join(peer.dataDir, 'nothing'), { force: true })
  })
})
