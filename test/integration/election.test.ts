// Admin failover on real peers (libp2p on loopback TCP): election, certificate, custody and key recovery.
import { afterEach, describe, expect, it } from 'vitest'
import type { Peer } from '../../src-main/core/peer.ts'
import { callAs, createTestNetwork, waitFor, type TestNetwork } from '../helpers/network.ts'

const HEARTBEAT = 150
const TIMEOUT = 1000
const config = { election: { heartbeatMs: HEARTBEAT, electionTimeoutMs: TIMEOUT } }
let net: TestNetwork | undefined
afterEach(async () => {
  await net?.close()
  net = undefined
})

async function fiveMembers(): Promise<TestNetwork> {
  const n = await createTestNetwork(['architect', 'architect', 'backend_dev', 'backend_dev'], { config })
  await waitFor('everyone follows the founding admin', () => n.members.every((m) => m.election?.leader === 'admin'))
  return n
}

function adminOf(peers: Peer[]): Peer | undefined {
  return peers.find((p) => p.election?.isLeader && p.sessionOrUndefined?.admin !== undefined && p.roster.roster.members.find((m) => m.id === p.session.memberId)?.role === 'admin')
}

describe('admin failover', () => {
  it('elects a new admin that rebuilds the admin key when the admin is killed', async () => {
    net = await fiveMembers()
    const secret = await callAs(net.admin, 'decisions.publish', { type: 'architectural', title: 'Admin only', audience: 'admin', project: 'p', task: 't' })
    const status = await callAs(net.members[0]!, 'election.status', {})
    expect(status).toMatchObject({ term: 0, admin: 'admin', self: 'follower' })
    expect(status.candidates.map((c) => c.memberId)).toContain('architect-1')

    const killedAt = Date.now()
    await net.admin.close()
    const rest = net.members
    await waitFor('a new admin holding the rebuilt key', () => adminOf(rest) !== undefined, 20_000)
    const took = Date.now() - killedAt
    const admin = adminOf(rest)!
    expect(admin.election!.term).toBeGreaterThanOrEqual(1)
    // Everyone agrees, one admin for the term.
    await waitFor('followers agree', () => rest.every((p) => p.election?.leader === admin.session.memberId))
    expect(rest.filter((p) => p.election?.isLeader)).toHaveLength(1)
    // The roster now names it admin; it acts as admin and reads what only the admin could read.
    await waitFor('roster names the new admin', () => rest.every((p) => p.roster.roster.members.find((m) => m.role === 'admin')?.id === admin.session.memberId))
    const invite = await callAs(admin, 'members.invite', { role: 'observer' })
    expect(invite.code).toMatch(/^bzzz-invite:/)
    expect((await callAs(admin, 'decisions.get', { address: secret.address })).content.title).toBe('Admin only')
    const audit = (await admin.audit.list()).map((e) => e.kind)
    expect(audit).toEqual(expect.arrayContaining(['election_result', 'admin_key_recovered']))
    const released = rest.flatMap((p) => p.custody?.released ?? [])
    expect(released.length).toBeGreaterThanOrEqual(2)
    expect(released.every((r) => r.winner === admin.session.memberId)).toBe(true)
    // The dead admin's share is gone with it: the new admin re-splits among members that are here.
    await waitFor('custody re-split without the dead admin', () => !admin.roster.roster.custody.slots.some((s) => s.memberId === 'admin'), 15_000)
    await waitFor('every custodian holds a share of the new split', () => rest.filter((p) => admin.roster.roster.custody.slots.some((s) => s.memberId === p.session.memberId)).every((p) => p.sessionOrUndefined?.share?.epoch === admin.roster.roster.custody.epoch), 15_000)
    console.log(`failover: ${took} ms (election timeout ${TIMEOUT} ms)`)
  }, 60_000)
})
