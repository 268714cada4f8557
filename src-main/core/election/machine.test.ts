// Named failure scenarios after hashicorp/raft and etcd raft, on the deterministic simulator; then many random
// fault schedules with a fixed seed, checking that no term ever has two admins.
import { describe, expect, it } from 'vitest'
import { ElectionSim, seededRandom } from '../../../test/helpers/election-sim.ts'
import { ElectionMachine } from './machine.ts'

const IDS = ['n1', 'n2', 'n3', 'n4', 'n5']
const E = 500 // election timeout; heartbeat 100

function stableSim(seed = 1, leader = 'n1') {
  const sim = new ElectionSim(IDS, { seed, leader, heartbeatMs: 100, electionTimeoutMs: E })
  sim.run(1000)
  expect(sim.agreedLeader()).toBe(leader)
  return sim
}

describe('election scenarios', () => {
  it('keeps a healthy admin: no election while heartbeats flow (no disruption)', () => {
    const sim = stableSim()
    sim.run(10_000)
    expect(sim.agreedLeader()).toBe('n1')
    expect(sim.winners.size).toBe(0)
    expect(sim.violations).toEqual([])
  })

  it('a restarted admin ignores a heartbeat of its previous incarnation (its own name) and keeps leading', () => {
    const sim = stableSim()
    const n1 = sim.nodes.get('n1')!.machine
    expect(n1.onHeartbeat('n1', n1.term, sim.now)).toBe(false)
    expect(n1.role).toBe('leader')
    sim.run(5 * E)
    expect(sim.agreedLeader()).toBe('n1')
  })

  it('LeaderFail: the admin is killed and a new one is elected within 2x the election timeout', () => {
    const sim = stableSim()
    sim.crash('n1')
    const took = sim.runUntil(() => sim.agreedLeader(['n2', 'n3', 'n4', 'n5']) !== undefined, 10 * E)
    expect(took).toBeDefined()
    expect(took!).toBeLessThan(2 * E)
    // Candidates are ranked by score: n2 has the best score after n1.
    expect(sim.agreedLeader(['n2', 'n3', 'n4', 'n5'])).toBe('n2')
    expect(sim.violations).toEqual([])
  })

  it('LeaderPartition: a minority admin steps down, the majority elects; healing converges on one admin', () => {
    const sim = stableSim()
    sim.partition(['n1', 'n2'], ['n3', 'n4', 'n5'])
    sim.run(3 * E)
    expect(sim.nodes.get('n1')!.machine.role).not.toBe('leader') // lease lost
    const majorityLeader = sim.agreedLeader(['n3', 'n4', 'n5'])
    expect(majorityLeader).toBeDefined()
    expect(['n3', 'n4', 'n5']).toContain(majorityLeader)
    sim.heal()
    sim.run(3 * E)
    expect(sim.agreedLeader()).toBe(majorityLeader)
    expect(sim.violations).toEqual([])
  })

  it('DuelingCandidates: two candidates standing at once still end with one admin per term', () => {
    const sim = new ElectionSim(IDS, { seed: 7, heartbeatMs: 100, electionTimeoutMs: E })
    // No admin at all and equal scores: everyone stands around the same time.
    for (const e of sim.electors) e.score = 1
    for (const n of sim.nodes.values()) n.machine.setElectors(sim.electors, 0)
    const took = sim.runUntil(() => sim.agreedLeader() !== undefined, 20 * E)
    expect(took).toBeDefined()
    expect(sim.violations).toEqual([])
  })

  it('DisruptiveFollowerPreVote: a peer returning from a partition does not depose a healthy admin', () => {
    const sim = stableSim()
    sim.isolate('n5')
    sim.run(10 * E) // n5 stands again and again, but pre-vote never succeeds, so its term does not move
    expect(sim.nodes.get('n5')!.machine.term).toBe(0)
    sim.heal()
    sim.run(3 * E)
    expect(sim.agreedLeader()).toBe('n1')
    expect(sim.nodes.get('n1')!.machine.term).toBe(0)
    expect(sim.violations).toEqual([])
  })

  it('a restart in the middle of an election cannot vote twice in one term', () => {
    const sim = stableSim()
    sim.crash('n1')
    // Run until some node has voted in the new term, then restart it: its persisted vote must hold.
    sim.runUntil(() => [...sim.nodes.values()].some((n) => n.id !== 'n1' && n.disk.votedFor !== undefined && n.disk.term > 0), 5 * E)
    const voter = [...sim.nodes.values()].find((n) => n.id !== 'n1' && n.disk.votedFor !== undefined && n.disk.term > 0)!
    const { term, votedFor } = voter.disk
    sim.restart(voter.id)
    expect(voter.machine.term).toBe(term)
    expect(voter.machine.votedFor).toBe(votedFor)
    const other = IDS.find((id) => id !== votedFor && id !== 'n1')!
    expect(voter.machine.onVoteRequest(other, term, sim.now).granted).toBe(false)
    sim.runUntil(() => sim.agreedLeader(['n2', 'n3', 'n4', 'n5']) !== undefined, 10 * E)
    expect(sim.violations).toEqual([])
  })

  it('a lone elector elects itself', () => {
    const sim = new ElectionSim(['solo'], { seed: 3, heartbeatMs: 100, electionTimeoutMs: E })
    expect(sim.runUntil(() => sim.agreedLeader() === 'solo', 4 * E)).toBeDefined()
  })

  it('CrowdedFailover: in a large, slow network the candidates behind the first one wait out its round', () => {
    // 25 electors, the product's timing, answers taking up to 300 ms (one loaded process): the ranked timeouts are
    // ~100 ms apart, so without backing off every few ranks would stand while the first round is still out.
    const ids = Array.from({ length: 25 }, (_, i) => `p${i}`)
    const sim = new ElectionSim(ids, { seed: 7, leader: 'p0', heartbeatMs: 1000, electionTimeoutMs: 5000, latencyMs: 300 })
    sim.run(3000)
    sim.crash('p0')
    const before = sim.sent.get('prevote_req') ?? 0
    const took = sim.runUntil(() => sim.agreedLeader(ids.slice(1)) !== undefined, 20_000)
    expect(took).toBeDefined()
    expect(took!).toBeLessThan(2 * 5000)
    const rounds = ((sim.sent.get('prevote_req') ?? 0) - before) / (ids.length - 1)
    expect(rounds).toBeLessThanOrEqual(2)
    expect(sim.violations).toEqual([])
  })

  it('an admin hand-over: the admin steps down, does not stand, and another is elected', () => {
    const sim = stableSim()
    const leader = sim.nodes.get('n1')!.machine
    leader.stepDown(sim.now)
    // The step-down heartbeat tells followers to stop waiting.
    for (const n of sim.nodes.values()) if (n.id !== 'n1') n.machine.onHeartbeat('n1', leader.term, sim.now, true)
    const took = sim.runUntil(() => sim.agreedLeader() !== undefined && sim.agreedLeader() !== 'n1', 4 * E)
    expect(took).toBeDefined()
    expect(took!).toBeLessThan(2 * E)
    expect(sim.violations).toEqual([])
  })
})

describe('a stalled process (its timer fires before the I/O that queued up meanwhile)', () => {
  const timing = { heartbeatMs: 100, electionTimeoutMs: E }
  const electors = ['a', 'b', 'c'].map((id, i) => ({ id, candidate: true, score: 3 - i }))
  function machine(self: string, leader?: string) {
    const m = new ElectionMachine({ self, timing, random: () => 0.5, persisted: { term: 1, votedFor: undefined }, ...(leader === undefined ? {} : { leader }), now: 0 })
    m.setElectors(electors, 0)
    return m
  }

  it('StalledLeader: the admin reads the acknowledgements that waited out its stall before judging its lease', () => {
    const m = machine('a')
    m.becomeLeader(0)
    for (let t = 25; t <= 300; t += 25) {
      m.onAck('b', 1, t)
      m.onAck('c', 1, t)
      m.tick(t)
    }
    // Frozen from 300 ms to 1300 ms: the lease (500 ms) looks lapsed, but the acks sent meanwhile are in the socket.
    expect(m.tick(1300)).toEqual({ type: 'none' })
    m.onAck('b', 1, 1301)
    m.onAck('c', 1, 1301)
    expect(m.tick(1325).type).toBe('heartbeat')
    expect(m.role).toBe('leader')
  })

  it('StalledLeader: with no acknowledgement waiting, the admin still steps down on the next tick', () => {
    const m = machine('a')
    m.becomeLeader(0)
    m.tick(25)
    expect(m.tick(1300)).toEqual({ type: 'none' })
    expect(m.tick(1325)).toMatchObject({ type: 'step_down', term: 1 })
    expect(m.role).toBe('follower')
  })

  it('a process that keeps stalling is spared one tick only: it still steps down', () => {
    const m = machine('a')
    m.becomeLeader(0)
    m.tick(25)
    expect(m.tick(1300).type).toBe('none')
    expect(m.tick(2300)).toMatchObject({ type: 'step_down' })
  })

  it('StalledFollower: a follower reads the heartbeat that waited out its stall instead of standing', () => {
    const m = machine('b', 'a')
    m.tick(0)
    expect(m.onHeartbeat('a', 1, 50)).toBe(true)
    m.tick(75)
    expect(m.tick(2000)).toEqual({ type: 'none' })
    expect(m.onHeartbeat('a', 1, 2001)).toBe(true)
    expect(m.tick(2025)).toEqual({ type: 'none' })
    expect(m.role).toBe('follower')
    // Without heartbeats the follower stands as before.
    expect(m.tick(2025 + 2 * E).type).toBe('none') // itself a stall: looks first
    expect(m.tick(2050 + 2 * E)).toMatchObject({ type: 'pre_vote', term: 2 })
  })
})

describe('random fault schedules (fixed seed)', () => {
  it('never lets a term have two admins, never releases a share to a non-winner, and always recovers once healed', () => {
    const rnd = seededRandom(20261123)
    let elections = 0
    let releases = 0
    for (let run = 0; run < 40; run++) {
      const sim = new ElectionSim(IDS, { seed: Math.floor(rnd() * 1e9), leader: 'n1', heartbeatMs: 100, electionTimeoutMs: E })
      for (let step = 0; step < 12; step++) {
        const r = rnd()
        const a = IDS[Math.floor(rnd() * IDS.length)]!
        const b = IDS[Math.floor(rnd() * IDS.length)]!
        if (r < 0.2) sim.crash(a)
        else if (r < 0.4) sim.restart(a)
        else if (r < 0.55) sim.partition([a], [b])
        else if (r < 0.7) sim.partition(IDS.slice(0, 2), IDS.slice(2))
        else if (r < 0.85) sim.heal()
        else if (r < 0.95) sim.forgeShareRequest(a)
        sim.run(Math.floor(rnd() * 3 * E))
      }
      sim.heal()
      for (const id of IDS) if (!sim.nodes.get(id)!.up) sim.restart(id)
      const took = sim.runUntil(() => sim.agreedLeader() !== undefined, 20 * E)
      expect(sim.violations, `run ${run}`).toEqual([])
      expect(took, `run ${run} converged`).toBeDefined()
      elections += sim.winners.size
      releases += sim.releases.length
      expect(sim.releases.every((x) => sim.winners.get(x.term) === x.winner), `run ${run} shares`).toBe(true)
    }
    expect(elections).toBeGreaterThan(20)
    expect(releases).toBeGreaterThan(50)
  })
})
