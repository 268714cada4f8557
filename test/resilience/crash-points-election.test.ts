// Crash safety of elections and custody with real `bzzz peer` processes (see crash-points.test.ts for publish, join,
// membership and the vault). The admin alice is killed; bob (architect) is the only other candidate, so every
// election below is his; carol and dave (observers) are electors and custodians, so bob needs both of them for a
// majority (3 of 4) and for the key (his share and theirs, 3 of 5). Each failpoint kills one of them at a step of
// the failover; after every restart the failover must still complete, without two admins in any term, without a
// persisted vote contradicted, and with the custodians releasing their shares after their restart.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mayRead, type Role } from '../../src-shared/roles.ts'
import { Fleet, PASSPHRASE, waitFor } from './fleet.ts'
import { probeState, probeVault } from './store-probe.ts'

const ROLES: Record<string, Role> = { alice: 'admin', bob: 'architect', carol: 'observer', dave: 'observer' }
const PEERS = ['alice', 'bob', 'carol', 'dave']

let fleet: Fleet
let net: string
const acknowledged = new Map<string, Role>()
/** The vote carol persisted just before she was killed. */
let carolsVote: { term: number; candidate: string }

async function publish(name: string, audience: Role, title: string): Promise<void> {
  const r = await fleet.api(name, 'POST', '/api/decisions/decision', { title, body: `${title}.`, audience, project: 'failover', task: 'crash' })
  expect(r.status, JSON.stringify(r.json)).toBe(201)
  acknowledged.set(r.json.address as string, audience)
}

async function restart(name: string, opts: { failpoints?: string; set?: string[] } = {}): Promise<void> {
  await fleet.start(name, opts)
  expect((await fleet.api(name, 'GET', '/api/status')).json.vault).toBe('unlocked')
}

beforeAll(async () => {
  fleet = await Fleet.create('bzzz-crash-election-', { election: { heartbeatMs: 400, electionTimeoutMs: 4000 } })
  await fleet.init('alice')
  for (const [name, role] of [['bob', 'architect'], ['carol', 'observer'], ['dave', 'observer']] as const) {
    const r = await fleet.add(name, role, 'alice')
    expect(r.status, JSON.stringify(r.json)).toBe(200)
  }
  net = (await fleet.api('alice', 'GET', '/api/status')).json.member.networkId
  await publish('alice', 'observer', 'before the failover')
  await publish('bob', 'architect', 'architects only')
}, 180_000)

afterAll(async () => {
  if (fleet === undefined) return
  const unexpected = fleet.unexpectedExits()
  await fleet.close()
  expect(unexpected, 'peers that died on their own').toEqual([])
}, 60_000)

describe('failover with crashes at every step', () => {
  it('a candidate killed after persisting its term, a voter killed after persisting its vote', async () => {
    for (const name of ['carol', 'dave', 'bob']) await waitFor(`${name} holds a share`, async () => (await fleet.api(name, 'GET', '/api/custody')).json.holdsShare === true)
    await fleet.kill('bob')
    await restart('bob', { failpoints: 'election.candidate.after-persist=crash' })
    await fleet.kill('carol')
    await restart('carol', { failpoints: 'election.vote.after-persist=crash' })
    await fleet.kill('dave')
    await restart('dave', { failpoints: 'custody.release.after-send=crash', set: ['custody.policy=ask'] })
    await waitFor('everyone follows alice again', async () => {
      for (const n of PEERS) if ((await fleet.api(n, 'GET', '/api/election')).json.admin !== 'alice') return false
      return true
    }, 60_000)
    await fleet.kill('alice')

    const stood = await fleet.crashedAt('bob', 'election.candidate.after-persist')
    expect((await probeState(fleet.node('bob').dir, net, 'bob')).election).toEqual({ term: stood.term, votedFor: 'bob' })
    await restart('bob', { failpoints: 'election.certificate.after-persist=crash' })

    carolsVote = (await fleet.crashedAt('carol', 'election.vote.after-persist')) as typeof carolsVote
    expect(carolsVote.candidate).toBe('bob')
    expect(carolsVote.term).toBeGreaterThan(stood.term as number) // bob's persisted term: he stands above it
    expect((await probeState(fleet.node('carol').dir, net, 'carol')).election).toEqual({ term: carolsVote.term, votedFor: 'bob' })
    await restart('carol', { failpoints: 'custody.release.before-send=crash' })
  }, 180_000)

  it('the winner killed after persisting its certificate stands again and wins a later term', async () => {
    const won = await fleet.crashedAt('bob', 'election.certificate.after-persist')
    expect(won.winner).toBe('bob')
    // Certificate and term are one batch: never a certificate newer than the term beside it.
    expect((await probeState(fleet.node('bob').dir, net, 'bob')).election?.term).toBe(won.term)
    await restart('bob', { failpoints: 'custody.recover.after-combine=crash' })
  }, 120_000)

  it('custodians killed before and after sending their share release it after restart; the winner keeps asking', async () => {
    // dave asks his user: approve, and he dies right after his release went out.
    const request = await waitFor('dave is asked for his share', async () => {
      const pending = (await fleet.api('dave', 'GET', '/api/custody')).json.pending as { id: string; state: string; winner: string }[]
      return pending.find((p) => p.state === 'pending' && p.winner === 'bob')
    }, 60_000)
    void fleet.api('dave', 'POST', `/api/custody/requests/${encodeURIComponent(request.id)}/approve`, {}).catch(() => undefined)
    expect((await fleet.crashedAt('dave', 'custody.release.after-send')).winner).toBe('bob')
    expect((await fleet.crashedAt('carol', 'custody.release.before-send')).winner).toBe('bob')
    // bob holds his own share and dave's: two of three. He keeps asking carol, who answers once she is back.
    await restart('carol')
    const combined = await fleet.crashedAt('bob', 'custody.recover.after-combine')
    expect((await probeVault(fleet.node('bob').dir, PASSPHRASE)).adminSecret).toBe(false) // nothing written yet
    await restart('dave')
    await restart('bob', { failpoints: 'custody.takeover.after-vault=crash' })
    expect(combined.term).toBeDefined()
  }, 180_000)

  it('the winner killed between storing the key and taking the seat takes it after restart, with the key it stored', async () => {
    const seat = await fleet.crashedAt('bob', 'custody.takeover.after-vault')
    expect((await probeVault(fleet.node('bob').dir, PASSPHRASE)).adminSecret).toBe(true)
    expect((await probeState(fleet.node('bob').dir, net, 'bob')).roster?.members.find((m) => m.id === 'bob')?.role).not.toBe('admin')
    await restart('bob')
    await waitFor('bob takes the seat', async () => {
      const members = (await fleet.api('bob', 'GET', '/api/members')).json.members as { id: string; role: string }[]
      const election = (await fleet.api('bob', 'GET', '/api/election')).json
      // The same term, unless the restart took longer than a lease (then bob, still holding the key, wins the next).
      return members.find((m) => m.id === 'bob')?.role === 'admin' && election.self === 'leader' && election.term >= (seat.term as number)
    }, 60_000).catch(async (err: Error) => {
      const election = (await fleet.api('bob', 'GET', '/api/election')).json
      throw new Error(`${err.message}: ${JSON.stringify({ term: election.term, admin: election.admin, self: election.self, timeline: election.timeline.slice(-8) })}\n${fleet.tail(40)}`)
    })
    // With the admin key: an invite needs it (a seat without the key would be a seat in name only). And from the key
    // it stored: nobody was asked for a share again in that term.
    await waitFor('bob invites as the admin', async () => (await fleet.api('bob', 'POST', '/api/members/invites', { role: 'observer' })).status === 200, 15_000)
    expect(fleet.logs('carol').filter((l) => l.event === 'custody.shareReleased' && l.term === seat.term)).toHaveLength(1)
    await restart('alice')
    await waitFor('everyone follows bob, alice an architect now', async () => {
      for (const n of PEERS) if ((await fleet.api(n, 'GET', '/api/election')).json.admin !== 'bob') return false
      return (await fleet.api('alice', 'GET', '/api/status')).json.member.role === 'architect'
    }, 60_000)
    ROLES.alice = 'architect'
    ROLES.bob = 'admin'
  }, 180_000)

  it('no term had two admins, no vote was contradicted, nothing acknowledged was lost', async () => {
    const leaders = new Map<number, Set<string>>()
    for (const l of fleet.logs()) {
      if (l.event !== 'election.leader') continue
      const set = leaders.get(l.term as number) ?? new Set<string>()
      set.add(l.admin as string)
      leaders.set(l.term as number, set)
    }
    for (const [term, admins] of leaders) expect([...admins], `admins of term ${term}`).toHaveLength(1)
    const carols = fleet.logs('carol').filter((l) => l.event === 'election.vote' && l.voter === 'carol' && l.term === carolsVote.term)
    for (const v of carols) expect(v.candidate).toBe(carolsVote.candidate)

    await publish('bob', 'observer', 'from the new admin')
    for (const name of PEERS) {
      for (const [address, audience] of acknowledged) {
        const want = mayRead(ROLES[name]!, audience).allowed ? 200 : 403
        await waitFor(`${name} reads ${address} (${want})`, async () => (await fleet.api(name, 'GET', `/api/decisions/content/${address}`)).status === want, 30_000)
      }
    }
    for (const name of ['alice', 'bob']) expect((await fleet.api(name, 'GET', '/api/audit/verify')).json, name).toMatchObject({ ok: true })
  }, 180_000)
})
