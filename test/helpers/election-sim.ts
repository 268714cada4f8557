// A deterministic simulator for the election state machine: virtual time, a seeded random source, message delays,
// partitions, crashes and restarts — the fault injection of etcd raft's and hashicorp/raft's election tests,
// without sockets. Every run with the same seed is identical.
import { ElectionMachine, type ElectorInfo, type PersistentState } from '../../src-main/core/election/machine.ts'

export function seededRandom(seed: number): () => number {
  // mulberry32
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

type Msg =
  | { kind: 'heartbeat'; term: number; stepDown?: boolean }
  | { kind: 'ack'; term: number }
  | { kind: 'prevote_req'; term: number }
  | { kind: 'prevote_resp'; term: number; granted: boolean; voterTerm: number }
  | { kind: 'vote_req'; term: number }
  | { kind: 'vote_resp'; term: number; granted: boolean; voterTerm: number }
  | { kind: 'cert'; term: number; winner: string; voters: string[] }
  | { kind: 'share_req'; term: number; winner: string }

interface Envelope {
  at: number
  from: string
  to: string
  msg: Msg
}

export interface SimNode {
  id: string
  machine: ElectionMachine
  disk: PersistentState
  up: boolean
}

export class ElectionSim {
  now = 0
  readonly nodes = new Map<string, SimNode>()
  private queue: Envelope[] = []
  private readonly blocked = new Set<string>()
  readonly random: () => number
  /** term -> winner, for every certificate ever issued: the safety invariant lives here. */
  readonly winners = new Map<number, string>()
  readonly violations: string[] = []
  messages = 0
  readonly electors: ElectorInfo[]
  /** Certificates each node has verified (term -> winner), the custodian's only basis for releasing a share. */
  private readonly certsSeen = new Map<string, Map<number, string>>()
  /** Every share released: (custodian, term, winner). */
  readonly releases: { custodian: string; term: number; winner: string }[] = []

  /** Messages of each kind sent (blocked ones included), for cost assertions. */
  readonly sent = new Map<string, number>()
  private readonly latencyMs: number

  constructor(ids: string[], opts: { seed: number; heartbeatMs?: number; electionTimeoutMs?: number; leader?: string; candidates?: string[]; latencyMs?: number }) {
    this.random = seededRandom(opts.seed)
    this.latencyMs = opts.latencyMs ?? 10
    this.timing = { heartbeatMs: opts.heartbeatMs ?? 100, electionTimeoutMs: opts.electionTimeoutMs ?? 500 }
    this.electors = ids.map((id, i) => ({ id, candidate: opts.candidates?.includes(id) ?? true, score: ids.length - i }))
    for (const id of ids) {
      const node: SimNode = { id, disk: { term: 0, votedFor: undefined }, up: true, machine: undefined as never }
      node.machine = this.boot(node, opts.leader)
      this.nodes.set(id, node)
    }
    if (opts.leader !== undefined) this.nodes.get(opts.leader)!.machine.becomeLeader(0)
  }

  private timing: { heartbeatMs: number; electionTimeoutMs: number }

  private boot(node: SimNode, leader?: string): ElectionMachine {
    const m = new ElectionMachine({
      self: node.id,
      timing: this.timing,
      random: () => this.random(),
      persisted: { ...node.disk },
      ...(leader === undefined ? {} : { leader }),
      now: this.now,
    })
    m.setElectors(this.electors, this.now)
    return m
  }

  private seen(id: string): Map<number, string> {
    let m = this.certsSeen.get(id)
    if (m === undefined) this.certsSeen.set(id, (m = new Map()))
    return m
  }

  /** A hostile member asks every custodian for its share for a term it did not win. */
  forgeShareRequest(from: string): void {
    const n = this.nodes.get(from)!
    this.broadcast(from, { kind: 'share_req', term: Math.max(1, n.machine.term), winner: from })
  }

  // -- faults -----------------------------------------------------------------------------------------------

  partition(groupA: string[], groupB: string[]): void {
    for (const a of groupA) for (const b of groupB) {
      this.blocked.add(`${a}|${b}`)
      this.blocked.add(`${b}|${a}`)
    }
  }

  heal(): void {
    this.blocked.clear()
  }

  isolate(id: string): void {
    this.partition([id], [...this.nodes.keys()].filter((x) => x !== id))
  }

  crash(id: string): void {
    const n = this.nodes.get(id)!
    n.up = false
    this.queue = this.queue.filter((e) => e.to !== id)
  }

  /** Restart from what was persisted: term and vote survive, everything else is forgotten. */
  restart(id: string): void {
    const n = this.nodes.get(id)!
    n.up = true
    n.machine = this.boot(n)
  }

  // -- delivery ---------------------------------------------------------------------------------------------

  private send(from: string, to: string, msg: Msg): void {
    if (from === to) return
    this.messages++
    this.sent.set(msg.kind, (this.sent.get(msg.kind) ?? 0) + 1)
    if (this.blocked.has(`${from}|${to}`)) return
    this.queue.push({ at: this.now + 1 + Math.floor(this.random() * this.latencyMs), from, to, msg })
  }

  private broadcast(from: string, msg: Msg): void {
    for (const id of this.nodes.keys()) this.send(from, id, msg)
  }

  private persist(n: SimNode, state: PersistentState): void {
    n.disk = { ...state }
  }

  private record(term: number, winner: string): void {
    const prev = this.winners.get(term)
    if (prev !== undefined && prev !== winner) this.violations.push(`term ${term} has two admins: ${prev} and ${winner}`)
    this.winners.set(term, winner)
  }

  private deliver(e: Envelope): void {
    const n = this.nodes.get(e.to)!
    if (!n.up) return
    const m = n.machine
    const msg = e.msg
    switch (msg.kind) {
      case 'heartbeat':
        if (m.onHeartbeat(e.from, msg.term, this.now, msg.stepDown)) this.send(n.id, e.from, { kind: 'ack', term: msg.term })
        break
      case 'ack':
        m.onAck(e.from, msg.term, this.now)
        break
      case 'prevote_req': {
        const a = m.onPreVoteRequest(e.from, msg.term, this.now)
        this.send(n.id, e.from, { kind: 'prevote_resp', term: msg.term, granted: a.granted, voterTerm: a.term })
        break
      }
      case 'prevote_resp':
        if (msg.granted) this.afterPreVote(n, m.onPreVoteGranted(e.from, msg.term))
        else m.observeTerm(msg.voterTerm, this.now)
        break
      case 'vote_req': {
        const a = m.onVoteRequest(e.from, msg.term, this.now)
        if (a.granted) this.persist(n, a.persist) // persisted before the answer leaves
        this.send(n.id, e.from, { kind: 'vote_resp', term: msg.term, granted: a.granted, voterTerm: a.term })
        break
      }
      case 'vote_resp':
        if (msg.granted) this.afterVote(n, m.onVote(e.from, msg.term, e.from))
        else m.observeTerm(msg.voterTerm, this.now)
        break
      case 'cert':
        this.seen(n.id).set(msg.term, msg.winner)
        m.onCertificate(msg.term, msg.winner, this.now)
        break
      case 'share_req': {
        // The custodian's rule (custody/service.ts): only to the certified winner of that term, from the winner
        // itself, and not for a term older than the newest this custodian knows.
        const certified = this.seen(n.id).get(msg.term)
        if (certified === msg.winner && e.from === msg.winner && msg.term >= m.term) {
          this.releases.push({ custodian: n.id, term: msg.term, winner: msg.winner })
          const winner = this.winners.get(msg.term)
          if (winner !== msg.winner) this.violations.push(`share released to ${msg.winner} for term ${msg.term}, won by ${winner ?? 'nobody'}`)
        }
        break
      }
    }
  }

  private afterPreVote(n: SimNode, r: ReturnType<ElectionMachine['onPreVoteGranted']>): void {
    if (r.type !== 'request_votes') return
    this.persist(n, r.persist)
    for (const to of r.electors) this.send(n.id, to, { kind: 'vote_req', term: r.term })
    this.afterVote(n, n.machine.onVote(n.id, r.term, n.id))
  }

  private afterVote(n: SimNode, r: ReturnType<ElectionMachine['onVote']>): void {
    if (r.type !== 'won') return
    this.record(r.term, n.id)
    n.machine.becomeLeader(this.now)
    this.seen(n.id).set(r.term, n.id)
    this.broadcast(n.id, { kind: 'cert', term: r.term, winner: n.id, voters: r.votes as string[] })
    this.broadcast(n.id, { kind: 'share_req', term: r.term, winner: n.id })
  }

  /** Advances virtual time by `ms`, delivering messages and ticking every node every millisecond step of 5. */
  run(ms: number): void {
    const end = this.now + ms
    while (this.now < end) {
      this.now += 5
      this.queue.sort((a, b) => a.at - b.at)
      while (this.queue.length > 0 && this.queue[0]!.at <= this.now) this.deliver(this.queue.shift()!)
      for (const n of this.nodes.values()) {
        if (!n.up) continue
        const action = n.machine.tick(this.now)
        if (action.type === 'heartbeat') this.broadcast(n.id, { kind: 'heartbeat', term: action.term })
        else if (action.type === 'pre_vote') {
          for (const to of action.electors) this.send(n.id, to, { kind: 'prevote_req', term: action.term })
          this.afterPreVote(n, n.machine.onPreVoteGranted(n.id, action.term))
        }
      }
      this.checkLeaders()
    }
  }

  /** Runs until `cond` holds or `limit` ms pass; returns the time it took, or undefined. */
  runUntil(cond: () => boolean, limit: number): number | undefined {
    const start = this.now
    while (this.now - start < limit) {
      if (cond()) return this.now - start
      this.run(5)
    }
    return cond() ? this.now - start : undefined
  }

  private checkLeaders(): void {
    const byTerm = new Map<number, string[]>()
    for (const n of this.nodes.values()) {
      if (!n.up || n.machine.role !== 'leader') continue
      const list = byTerm.get(n.machine.term) ?? []
      list.push(n.id)
      byTerm.set(n.machine.term, list)
    }
    for (const [term, list] of byTerm) if (list.length > 1) this.violations.push(`term ${term} has leaders ${list.join(', ')}`)
  }

  leaders(): SimNode[] {
    return [...this.nodes.values()].filter((n) => n.up && n.machine.role === 'leader')
  }

  /** The single leader all up nodes agree on, if any. */
  agreedLeader(among?: string[]): string | undefined {
    const ids = among ?? [...this.nodes.keys()].filter((id) => this.nodes.get(id)!.up)
    const leaders = ids.map((id) => this.nodes.get(id)!.machine.leader)
    const first = leaders[0]
    if (first === undefined || !leaders.every((l) => l === first)) return undefined
    const node = this.nodes.get(first)
    return node?.up && node.machine.role === 'leader' ? first : undefined
  }

  setTiming(heartbeatMs: number, electionTimeoutMs: number): void {
    this.timing = { heartbeatMs, electionTimeoutMs }
  }
}
