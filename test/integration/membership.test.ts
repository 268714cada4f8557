// Invites, joins and removal with key rotation, across real peers.
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { INVITE_PREFIX, createInvite } from '../../src-main/core/membership/invite.ts'
import { generateSigningKey } from '../../src-main/core/crypto/signing.ts'
import { toBase64 } from '../../src-main/core/crypto/encoding.ts'
import type { Peer } from '../../src-main/core/peer.ts'
import { callAs, createTestNetwork, openPeer, PASSPHRASE, waitFor, type TestNetwork } from '../helpers/network.ts'

let net: TestNetwork
const call = callAs

beforeAll(async () => {
  net = await createTestNetwork(['architect', 'architect', 'backend_dev'])
}, 60_000)
afterAll(() => net?.close())

async function freshPeer(): Promise<Peer> {
  return openPeer(await mkdtemp(join(tmpdir(), 'bzzz-joiner-')), { listen: '/ip4/127.0.0.1/tcp/0', bootstrap: [] })
}

describe('invites', () => {
  it('gives the first four joiners a custody share, and every joiner its role key', async () => {
    const roster = net.admin.roster.roster
    expect(roster.custody.slots.map((s) => s.memberId)).toEqual(['admin', 'architect-1', 'architect-2', 'backend-dev-3', null])
    const [a1] = net.members as [Peer]
    expect(a1.session.share?.index).toBe(2)
    expect(a1.session.roleIdentities.map((k) => k.role)).toEqual(['architect'])
  })

  it('refuses a reused invite and changes nothing', async () => {
    const { code } = net.admin.membership.invite('observer', 3600)
    const first = await freshPeer()
    await first.joinNetwork({ invite: code, memberName: 'olga', passphrase: PASSPHRASE })
    await first.close()
    const seq = net.admin.roster.roster.seq
    const second = await freshPeer()
    await expect(second.joinNetwork({ invite: code, memberName: 'oscar', passphrase: PASSPHRASE })).rejects.toMatchObject({ code: 'conflict', message: expect.stringContaining('already used') })
    expect(second.vaultState).toBe('absent')
    expect(net.admin.roster.roster.seq).toBe(seq)
    await second.close()
  })

  it('refuses an expired, a forged and a malformed invite with clear errors', async () => {
    const roster = net.admin.roster.roster
    const admin = net.admin.session.admin!
    const bootstrap = net.admin.network!.addresses()
    const expired = createInvite({ role: 'observer', network: roster.network, bootstrap, ttlSeconds: 60, adminSigning: admin.signing, adminSigningKey: roster.admin.signingKey, now: Date.now() - 3600_000 })
    const p = await freshPeer()
    await expect(p.joinNetwork({ invite: expired.code, memberName: 'late', passphrase: PASSPHRASE })).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringContaining('expired') })
    // Signed by another key that claims to be this network's admin key: the admin refuses it.
    const mallory = generateSigningKey()
    const forged = createInvite({ role: 'architect', network: roster.network, bootstrap, ttlSeconds: 600, adminSigning: mallory, adminSigningKey: toBase64(mallory.publicKey) })
    await expect(p.joinNetwork({ invite: forged.code, memberName: 'mallory', passphrase: PASSPHRASE })).rejects.toMatchObject({ message: expect.stringContaining('not signed by this network') })
    // Tampered: the role changed after signing.
    const genuine = net.admin.membership.invite('observer', 600).code
    const body = JSON.parse(Buffer.from(genuine.slice(INVITE_PREFIX.length), 'base64url').toString())
    body.payload.role = 'architect'
    const tampered = INVITE_PREFIX + Buffer.from(JSON.stringify(body)).toString('base64url')
    await expect(p.joinNetwork({ invite: tampered, memberName: 'sneaky', passphrase: PASSPHRASE })).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringContaining('forged or damaged') })
    await expect(p.joinNetwork({ invite: 'hello', memberName: 'x', passphrase: PASSPHRASE })).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringContaining('not an invite code') })
    await expect(p.joinNetwork({ invite: genuine.slice(0, 60), memberName: 'x', passphrase: PASSPHRASE })).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringContaining('damaged') })
    expect(p.vaultState).toBe('absent')
    await p.close()
  })

  it('a member who joined with no bootstrap address configured still finds the network (the invite is enough)', async () => {
    const p = await freshPeer()
    await p.joinNetwork({ invite: net.admin.membership.invite('observer', 600).code, memberName: 'nobootstrap', passphrase: PASSPHRASE })
    await p.start({ ...net.settings, listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: [] })
    await waitFor('connected to the admin', () => p.peers().some((x) => x.memberId === 'admin'), 15_000)
    await p.close()
  })

  it('refuses a taken name', async () => {
    const p = await freshPeer()
    await expect(p.joinNetwork({ invite: net.admin.membership.invite('observer', 600).code, memberName: 'architect-1', passphrase: PASSPHRASE })).rejects.toMatchObject({ code: 'conflict', message: expect.stringContaining('taken') })
    await p.close()
  })

  it('lets only the admin invite', async () => {
    await expect(call(net.members[0]!, 'members.invite', { role: 'observer' })).rejects.toMatchObject({ code: 'forbidden' })
  })
})

describe('removing a member', () => {
  it('rotates the role key: new content is sealed to the new key, old content stays readable', async () => {
    const [a1, a2] = net.members as [Peer, Peer]
    const before = await call(a1, 'decisions.publish', { type: 'architectural', title: 'Before removal', audience: 'architect', project: 'p', task: 'before' })
    await waitFor('a2 has the old decision', () => a2.index.has(before.address))
    const oldKeyId = net.admin.roster.roster.roleKeys.architect.keyId

    const removed = await call(net.admin, 'members.remove', { memberId: 'architect-2' })
    expect(removed.rotatedRole).toBe('architect')
    const rotated = net.admin.roster.roster.roleKeys.architect.keyId
    expect(rotated).not.toBe(oldKeyId)
    // The remaining architect receives the new key (key envelope through the DHT).
    await waitFor('architect-1 holds the new key', () => a1.sessionOrUndefined?.roleIdentities.some((k) => k.keyId === rotated) ?? false)
    // The removed member was a custodian: the admin key was re-split.
    expect(net.admin.roster.roster.custody.epoch).toBe(2)
    await waitFor('custodians hold epoch-2 shares', () => net.members.filter((m) => m !== a2).every((m) => m.sessionOrUndefined?.share?.epoch === 2))

    const after = await call(a1, 'decisions.publish', { type: 'architectural', title: 'After removal', audience: 'architect', project: 'p', task: 'after' })
    expect((await call(a1, 'decisions.get', { address: before.address })).content.title).toBe('Before removal')
    expect((await call(net.admin, 'decisions.get', { address: after.address })).content.title).toBe('After removal')

    // The removed member is cut off, and even holding the record it cannot open the new content.
    await waitFor('removed member disconnected', () => a2.peers().length === 0, 20_000)
    const record = await net.admin.records.get((await import('../../src-main/core/records/keys.ts')).decisionKey(net.admin.roster.roster.network.id, after.address))
    const { ageDecrypt } = await import('../../src-main/core/crypto/age.ts')
    const env = JSON.parse(Buffer.from(record!).toString())
    expect(await ageDecrypt(Buffer.from(env.payload.sealed, 'base64'), a2.session.decryptionIdentities())).toBeNull()
  })

  it('refuses to remove the admin itself or a stranger', async () => {
    await expect(call(net.admin, 'members.remove', { memberId: 'admin' })).rejects.toMatchObject({ code: 'conflict' })
    await expect(call(net.admin, 'members.remove', { memberId: 'nobody' })).rejects.toMatchObject({ code: 'not_found' })
  })
})
