// Crash safety with real `bzzz peer` processes: each failpoint (src-main/core/failpoints.ts) kills a peer with SIGKILL
// at that exact point of publish, join (admin and joiner side), membership changes and vault writes; the test reads
// what the kill left on disk, restarts the peer from the same data directory and checks that the store and vault
// open, the stale lock is taken over, nothing acknowledged is lost (on the peer and on the others entitled to it) and
// an operation that was not acknowledged is whole or absent. Votes, certificates and share release: see
// crash-points-election.test.ts.
//
// One network for the whole file (the phases build on each other): alice (admin), bob (architect), carol and dave
// (observers), later erin, frank and gina. Elections are slow (60 s), so restarting the admin never starts one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mayRead, type Role } from '../../src-shared/roles.ts'
import { Fleet, PASSPHRASE, waitFor } from './fleet.ts'
import { probeDecision, probeState, probeVault } from './store-probe.ts'

const ROLES: Record<string, Role> = { alice: 'admin', bob: 'architect', carol: 'observer', dave: 'observer', erin: 'observer', frank: 'observer', gina: 'observer' }

let fleet: Fleet
let net: string
/** Every publish answered 201: address -> audience. */
const acknowledged = new Map<string, Role>()

async function publish(name: string, audience: Role, title: string): Promise<{ address?: string; status?: number }> {
  try {
    const r = await fleet.api(name, 'POST', '/api/decisions/decision', { title, body: `${title}.`, audience, project: 'crash', task: 'points' })
    if (r.status === 201) acknowledged.set(r.json.address as string, audience)
    return { address: r.json.address, status: r.status }
  } catch {
    return {} // the process died under the request
  }
}

async function read(name: string, address: string): Promise<number> {
  return (await fleet.api(name, 'GET', `/api/decisions/content/${address}`)).status
}

/** Every acknowledged decision reads on every running peer that may read it (and is refused to the others). */
async function expectAcknowledgedReadable(names: string[]): Promise<void> {
  for (const name of names) {
    for (const [address, audience] of acknowledged) {
      const want = mayRead(ROLES[name]!, audience).allowed ? 200 : 403
      await waitFor(`${name} reads ${address} (${want})`, async () => (await read(name, address)) === want, 20_000)
    }
  }
}

/** A restart after a crash: the stale lock is taken over and the vault opens unlocked. */
async function restartAfterCrash(name: string, opts: { failpoints?: string; set?: string[] } = {}): Promise<void> {
  await fleet.start(name, opts)
  const status = (await fleet.api(name, 'GET', '/api/status')).json
  expect(status.vault).toBe('unlocked')
  await waitFor(`${name} took over the stale lock`, () => fleet.proc(name).logs.some((l) => l.msg === 'took over a lock left by a process that is gone'), 5_000)
}

beforeAll(async () => {
  fleet = await Fleet.create('bzzz-crash-', { election: { heartbeatMs: 300, electionTimeoutMs: 60_000 } })
  await fleet.init('alice')
  for (const [name, role] of [['bob', 'architect'], ['carol', 'observer'], ['dave', 'observer']] as const) {
    const r = await fleet.add(name, role, 'alice')
    expect(r.status, JSON.stringify(r.json)).toBe(200)
  }
  net = (await fleet.api('alice', 'GET', '/api/status')).json.member.networkId
  await waitFor('everyone connected', async () => {
    for (const n of ['alice', 'bob', 'carol', 'dave']) if ((await fleet.api(n, 'GET', '/api/peers')).json.peers.length < 2) return false
    return true
  })
}, 180_000)

afterAll(async () => {
  if (fleet === undefined) return
  const unexpected = fleet.unexpectedExits()
  await fleet.close()
  expect(unexpected, 'peers that died on their own').toEqual([])
}, 60_000)

describe('publish', () => {
  // crash@2: the first publish of each round is acknowledged; the second dies at the point.
  const points = ['publish.after-validation', 'publish.after-local-write', 'publish.after-dht-put', 'publish.after-announce'] as const

  for (const point of points) {
    it(`killed at ${point}: nothing acknowledged is lost, the publish is whole or absent`, async () => {
      await fleet.kill('bob')
      await restartAfterCrash('bob', { failpoints: `${point}=crash@2` })
      await waitFor('bob connected', async () => (await fleet.api('bob', 'GET', '/api/peers')).json.peers.length > 0)
      const first = await publish('bob', 'observer', `before ${point}`)
      expect(first.status).toBe(201)
      const second = publish('bob', 'architect', `at ${point}`)
      const detail = await fleet.crashedAt('bob', point)
      expect((await second).status).toBeUndefined() // no answer: the process died under the request
      const address = detail.address as string

      // On disk, before anything restarts: all of the publish or none of it.
      const stored = await probeDecision(fleet.node('bob').dir, net, 'bob', address)
      const whole = point !== 'publish.after-validation'
      expect(stored).toEqual({ record: whole, header: whole, logPosition: whole, inLogHead: whole })

      await restartAfterCrash('bob')
      expect(await read('bob', address)).toBe(whole ? 200 : 404)
      // A publish that reached the local store is the network's after the restart (republished), though never acknowledged.
      if (whole) await waitFor('alice reads the unacknowledged but stored decision', async () => (await read('alice', address)) === 200, 30_000)
      await expectAcknowledgedReadable(['bob', 'alice', 'carol'])
    }, 120_000)
  }

  it('killed at publish.after-log-put (background, after the local commit): the decision and its log survive', async () => {
    await fleet.kill('bob')
    await restartAfterCrash('bob', { failpoints: 'publish.after-log-put=crash' })
    await waitFor('bob connected', async () => (await fleet.api('bob', 'GET', '/api/peers')).json.peers.length > 0)
    const title = 'at publish.after-log-put'
    const answer = publish('bob', 'observer', title)
    await fleet.crashedAt('bob', 'publish.after-log-put')
    await answer // acknowledged or not: the log put runs beside the record's put
    await restartAfterCrash('bob')
    const list = (await fleet.api('bob', 'GET', '/api/decisions?pattern=bob/*/crash/**&limit=1000')).json
    const item = (list.items as { header: { address: string }; title?: string }[]).find((i) => i.title === title)
    expect(item, 'the publish reached the local store before its log put').toBeDefined()
    await waitFor('alice reads it', async () => (await read('alice', item!.header.address)) === 200, 30_000)
    await expectAcknowledgedReadable(['bob', 'alice', 'carol'])
  }, 120_000)
})

async function restartAdmin(failpoints?: string): Promise<void> {
  await restartAfterCrash('alice', failpoints === undefined ? {} : { failpoints })
  await waitFor('alice connected', async () => (await fleet.api('alice', 'GET', '/api/peers')).json.peers.length > 0)
  // Back as the admin of the same term, holding the key: it resumes the seat.
  await waitFor('alice resumed as admin', async () => (await fleet.api('alice', 'GET', '/api/election')).json.self === 'leader', 10_000).catch(async (err: Error) => {
    throw new Error(`${err.message}: ${JSON.stringify((await fleet.api('alice', 'GET', '/api/election')).json).slice(0, 1500)}\n${JSON.stringify(fleet.proc('alice').logs.slice(-30))}`)
  })
}

async function members(): Promise<string[]> {
  return (await fleet.api('alice', 'GET', '/api/members')).json.members.map((m: { id: string }) => m.id)
}

describe('join', () => {
  it('the admin killed after accepting, then after writing the roster: the joiner retries the same invite and is in', async () => {
    await fleet.kill('alice')
    await restartAdmin('join.admit.after-accept=crash')
    await fleet.fresh('erin')
    const invite = await fleet.invite('alice', 'observer')
    expect((await fleet.join('erin', invite)).status).not.toBe(200)
    await fleet.crashedAt('alice', 'join.admit.after-accept')
    expect((await probeState(fleet.node('alice').dir, net, 'erin')).roster?.members.map((m) => m.id)).not.toContain('erin')

    await restartAdmin('join.admit.after-roster=crash')
    expect((await fleet.join('erin', invite)).status).not.toBe(200)
    await fleet.crashedAt('alice', 'join.admit.after-roster')
    const after = await probeState(fleet.node('alice').dir, net, 'erin')
    expect(after.roster?.members.map((m) => m.id)).toContain('erin') // the roster is the commit point
    expect(after.keysSeq).toBeUndefined() // the key envelope never got written
    const erinSlot = after.roster!.custody.slots.find((s) => s.memberId === 'erin')!
    expect((await probeVault(fleet.node('alice').dir, PASSPHRASE)).pendingShares).toContain(erinSlot.index) // nor given away

    await restartAdmin('join.admit.after-keys=crash')
    const third = await fleet.join('erin', invite) // answered again, the key envelope (and share) built now
    expect(third.status, JSON.stringify(third.json)).toBe(200)
    await waitFor('erin holds her share', async () => (await fleet.api('erin', 'GET', '/api/custody')).json.holdsShare === true)
    await expectAcknowledgedReadable(['erin'])
  }, 180_000)

  it('the admin killed after storing the key envelope: the answer is sent again from what it stored', async () => {
    await fleet.fresh('frank')
    const invite = await fleet.invite('alice', 'observer')
    expect((await fleet.join('frank', invite)).status).not.toBe(200)
    await fleet.crashedAt('alice', 'join.admit.after-keys')
    expect((await probeState(fleet.node('alice').dir, net, 'frank')).keysSeq).toBeDefined()
    await restartAdmin()
    const again = await fleet.join('frank', invite)
    expect(again.status, JSON.stringify(again.json)).toBe(200)
    await expectAcknowledgedReadable(['frank'])
    expect((await members()).filter((m) => m === 'frank')).toHaveLength(1)
  }, 180_000)

  it('the joiner killed after the answer and after writing the roster: it retries with the same keys and is in', async () => {
    await fleet.fresh('gina', { failpoints: 'join.after-reply=crash' })
    const invite = await fleet.invite('alice', 'observer')
    expect((await fleet.join('gina', invite)).status).toBe(0)
    await fleet.crashedAt('gina', 'join.after-reply')
    await fleet.start('gina', { failpoints: 'join.after-roster=crash' })
    expect((await fleet.join('gina', invite)).status).toBe(0)
    await fleet.crashedAt('gina', 'join.after-roster')
    await expect(probeVault(fleet.node('gina').dir, PASSPHRASE)).rejects.toThrow(/no vault/) // the vault is the commit point
    await fleet.start('gina')
    const third = await fleet.join('gina', invite)
    expect(third.status, JSON.stringify(third.json)).toBe(200)
    await expectAcknowledgedReadable(['gina'])
    expect((await members()).filter((m) => m === 'gina')).toHaveLength(1)
  }, 180_000)
})

describe('membership changes and the vault', () => {
  it('killed before the vault file is renamed into place: the old vault opens and nothing changed', async () => {
    await fleet.kill('alice')
    await restartAdmin('vault.update.before-rename=crash')
    const before = await rosterSeqOfAlice()
    await fleet.crashDuring('alice', 'vault.update.before-rename', 'POST', '/api/keys/rotate', { key: 'observer' })
    const vault = await probeVault(fleet.node('alice').dir, PASSPHRASE)
    expect(vault.temporaries).toHaveLength(1)
    expect(vault.roleKeys.filter((k) => k.role === 'observer')).toHaveLength(1) // the rotation never happened
    expect((await probeState(fleet.node('alice').dir, net, 'alice')).roster?.seq).toBe(before)
    await restartAdmin('membership.change.after-vault=crash')
    expect((await probeVault(fleet.node('alice').dir, PASSPHRASE)).temporaries).toEqual([]) // cleaned at start
  }, 120_000)

  it('killed between the vault and the roster of a removal, then after the roster: the keyring went first', async () => {
    await fleet.crashDuring('alice', 'membership.change.after-vault', 'DELETE', '/api/members/gina')
    const half = await probeState(fleet.node('alice').dir, net, 'alice')
    expect(half.roster?.members.map((m) => m.id)).toContain('gina') // not removed: the roster is the commit point
    await restartAdmin('membership.change.after-roster=crash')
    const { seq } = await fleet.crashDuring('alice', 'membership.change.after-roster', 'DELETE', '/api/members/gina')
    const done = await probeState(fleet.node('alice').dir, net, 'alice')
    expect(done.roster?.members.map((m) => m.id)).not.toContain('gina')
    expect(done.keyringSeq).toBe(seq) // stored before the roster that names the new observer key
    await restartAdmin()
    await fleet.stop('gina')
    // New observer content is sealed to the rotated key; the observers still in get it.
    const r = await publish('alice', 'observer', 'after the removal')
    expect(r.status).toBe(201)
    await expectAcknowledgedReadable(['alice', 'bob', 'carol', 'erin', 'frank'])
  }, 180_000)
})

describe('admin key rotation', () => {
  it('killed after the new admin secret is stored, before a roster names it: the admin keeps signing with the old key', async () => {
    await fleet.kill('alice')
    const trusted = (await probeState(fleet.node('alice').dir, net, 'alice')).roster!.admin.signingKey
    await restartAdmin('membership.rotate-admin.after-vault=crash')
    await fleet.crashDuring('alice', 'membership.rotate-admin.after-vault', 'POST', '/api/keys/rotate', { key: 'admin' })
    expect(await probeVault(fleet.node('alice').dir, PASSPHRASE)).toMatchObject({ adminSecret: true, previousAdminSecret: true })
    expect((await probeState(fleet.node('alice').dir, net, 'alice')).roster!.admin.signingKey).toBe(trusted)
    await restartAdmin()
    // The next roster change is signed with the key the network trusts: the others accept it.
    const rotated = await fleet.api('alice', 'POST', '/api/keys/rotate', { key: 'observer' })
    expect(rotated.status, JSON.stringify(rotated.json)).toBe(200)
    const seq = await rosterSeqOfAlice()
    await waitFor('bob accepts the roster alice signed', async () => (await fleet.api('bob', 'GET', '/api/members')).json.seq === seq)
    // And the rotation itself, done again, goes through.
    expect((await fleet.api('alice', 'POST', '/api/keys/rotate', { key: 'admin' })).status).toBe(200)
    const after = await rosterSeqOfAlice()
    await waitFor('bob follows the rotated admin key', async () => (await fleet.api('bob', 'GET', '/api/members')).json.seq === after)
  }, 180_000)
})

async function rosterSeqOfAlice(): Promise<number> {
  return (await fleet.api('alice', 'GET', '/api/members')).json.seq as number
}

describe('after every crash', () => {
  it('every audit chain verifies and every peer still serves', async () => {
    for (const name of ['alice', 'bob']) {
      const v = await fleet.api(name, 'GET', '/api/audit/verify')
      expect(v.json, name).toMatchObject({ ok: true })
    }
    for (const name of ['alice', 'bob', 'carol', 'dave', 'erin', 'frank']) expect((await fleet.api(name, 'GET', '/api/status')).json.vault).toBe('unlocked')
  }, 60_000)
})
