// Key rotation: role keys on demand, and the admin key itself, with content staying readable per the hierarchy and
// a failover after the rotation rebuilding the new key.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Peer } from '../../src-main/core/peer.ts'
import { callAs, createTestNetwork, waitFor, type TestNetwork } from '../helpers/network.ts'

let net: TestNetwork
const config = { election: { heartbeatMs: 150, electionTimeoutMs: 1000 } }

beforeAll(async () => {
  net = await createTestNetwork(['architect', 'architect', 'backend_dev', 'backend_dev'], { config })
  await waitFor('full connectivity', () => net.all.every((p) => p.network!.node.getPeers().length === net.all.length - 1))
}, 60_000)
afterAll(() => net?.close())

describe('key rotation', () => {
  it('rotates a role key on demand: members of the role receive it, old content stays readable', async () => {
    const [, , b3, b4] = net.members as [Peer, Peer, Peer, Peer]
    const before = await callAs(b3, 'decisions.publish', { type: 'decision', title: 'before rotation', audience: 'backend_dev', project: 'k', task: 'a' })
    const out = await callAs(net.admin, 'keys.rotate', { key: 'backend_dev' })
    await waitFor('both backend developers hold the new key', () => [b3, b4].every((p) => p.sessionOrUndefined?.roleIdentities.some((k) => k.keyId === out.keyId) ?? false))
    const after = await callAs(b3, 'decisions.publish', { type: 'decision', title: 'after rotation', audience: 'backend_dev', project: 'k', task: 'b' })
    await waitFor('b4 has both', () => b4.index.has(before.address) && b4.index.has(after.address))
    expect((await callAs(b4, 'decisions.get', { address: before.address })).content.title).toBe('before rotation')
    expect((await callAs(b4, 'decisions.get', { address: after.address })).content.title).toBe('after rotation')
    await expect(callAs(b3, 'keys.rotate', { key: 'observer' })).rejects.toMatchObject({ code: 'forbidden' })
  }, 60_000)

  it('rotates the admin key: every member follows the signed chain, custodians get new shares, old admin-only content stays readable, and a later failover rebuilds the new key', async () => {
    const oldAdmin = await callAs(net.admin, 'decisions.publish', { type: 'architectural', title: 'sealed to the old admin key', audience: 'admin', project: 'k', task: 'old' })
    const oldKey = net.admin.roster.roster.admin.signingKey
    const rotated = await callAs(net.admin, 'keys.rotate', { key: 'admin' })
    expect(rotated.key).toBe('admin')
    const roster = net.admin.roster.roster
    expect(roster.admin.signingKey).not.toBe(oldKey)
    expect(roster.adminChain).toHaveLength(1)
    await waitFor('members trust the new admin key', () => net.members.every((p) => p.roster.trust?.adminSigningKey === roster.admin.signingKey), 15_000)
    await waitFor('custodians hold new-epoch shares', () => net.members.every((p) => p.sessionOrUndefined?.share?.epoch === roster.custody.epoch), 15_000)
    const newAdmin = await callAs(net.admin, 'decisions.publish', { type: 'architectural', title: 'sealed to the new admin key', audience: 'admin', project: 'k', task: 'new' })
    expect((await callAs(net.admin, 'decisions.get', { address: oldAdmin.address })).content.title).toBe('sealed to the old admin key')

    // A failover after the rotation: the winner rebuilds the NEW key from new-epoch shares and reads both.
    const rest = net.members
    await net.admin.close()
    await waitFor('a seated admin', () => rest.some((p) => p.election?.isLeader && p.sessionOrUndefined?.admin !== undefined && p.roster.roster.members.find((m) => m.id === p.session.memberId)?.role === 'admin'), 20_000)
    const seated = rest.find((p) => p.election?.isLeader)!
    await waitFor('records at the new admin', () => seated.index.has(oldAdmin.address) && seated.index.has(newAdmin.address))
    expect((await callAs(seated, 'decisions.get', { address: newAdmin.address })).content.title).toBe('sealed to the new admin key')
    expect((await callAs(seated, 'decisions.get', { address: oldAdmin.address })).content.title).toBe('sealed to the old admin key')
  }, 90_000)
})
