// The admin-seat election as a pure state machine (Raft's election only: no log). Time and randomness come in as
// arguments, messages come in verified, and every decision comes out as a return value, so the same code runs
// under the real network and under the deterministic simulator the tests use (etcd raft style).
//
// Safety: one vote per elector per term, persisted before it is sent; a winner needs the votes of a majority of the
// roster's electors, so two winners of one term would need an elector that voted twice.
// Liveness without disruption: pre-vote (a candidate asks "would you vote for me?" before bumping the term), vote
// stickiness (no vote while a live admin was heard within the minimum election timeout), randomized timeouts
// ordered by candidate score, and a leader lease (an admin that cannot hear a majority steps down).

export type ElectionRole = 'follower' | 'pre_candidate' | 'candidate' | 'leader'

export interface ElectionTiming {
  heartbeatMs: number
  /** Base election timeout; followers wait between this and 1.75x before standing. Also the lease length. */
  electionTimeoutMs: number
}

export interface ElectorInfo {
  id: string
  candidate: boolean
  /** Higher stands sooner. */
  score: number
}

export interface PersistentState {
  term: number
  votedFor: string | undefined
}

export type TickAction =
  | { type: 'none' }
  | { type: 'heartbeat'; term: number }
  | { type: 'pre_vote'; term: number; electors: string[] }
  | { type: 'step_down'; term: number; reason: string }

export type VoteAnswer = { granted: true; term: number; persist: PersistentState } | { granted: false; term: number; reason: string }

export class ElectionMachine {
  readonly self: string
  role: ElectionRole = 'follower'
  term: number
  votedFor: string | undefined
  leader: string | undefined
  /** When the last valid heartbeat from the current leader arrived (or when this peer became follower). */
  private lastHeard: number
  private deadline: number
  private electors: ElectorInfo[] = []
  private readonly timing: ElectionTiming
  private readonly random: () => number
  private preVotes = new Set<string>()
  private votes = new Map<string, unknown>()
  private acks = new Map<string, number>()
  private lastHeartbeat = 0
  /** Set by an admin-requested election: skip stickiness for this term change. */
  private handover = false

  constructor(opts: { self: string; timing: ElectionTiming; random: () => number; persisted: PersistentState; leader?: string; now: number }) {
    this.self = opts.self
    this.timing = opts.timing
    this.random = opts.random
    this.term = opts.persisted.term
    this.votedFor = opts.persisted.votedFor
    this.leader = opts.leader
    this.lastHeard = opts.now
    this.deadline = opts.now + opts.timing.electionTimeoutMs
  }

  setElectors(electors: ElectorInfo[], now: number): void {
    const wasEmpty = this.electors.length === 0
    // A member who just joined has not had a heartbeat to acknowledge yet: count it as heard for one lease.
    for (const e of electors) if (!this.electors.some((x) => x.id === e.id) && !wasEmpty) this.acks.set(e.id, now)
    this.electors = electors
    if (wasEmpty) this.resetTimer(now)
  }

  get majority(): number {
    return Math.floor(this.electors.length / 2) + 1
  }

  private isElector(id: string): boolean {
    return this.electors.some((e) => e.id === id)
  }

  private isCandidate(id: string): boolean {
    return this.electors.some((e) => e.id === id && e.candidate)
  }

  /** Best-scored candidates stand first: the wait grows with rank, plus jitter so equal scores do not collide. */
  private resetTimer(now: number): void {
    const candidates = this.electors.filter((e) => e.candidate).sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1))
    const rank = Math.max(0, candidates.findIndex((e) => e.id === this.self))
    const base = this.timing.electionTimeoutMs
    // Each rank waits one step longer than the one above; the jitter stays within a step so ranks keep their order
    // and only equal scores race.
    const step = candidates.length > 1 ? (base * 0.5) / (candidates.length - 1) : base * 0.25
    this.deadline = now + base + rank * step + this.random() * Math.min(step, base * 0.25)
  }

  private becomeFollower(term: number, leader: string | undefined, now: number): void {
    if (term > this.term) {
      this.term = term
      this.votedFor = undefined
    }
    this.role = 'follower'
    this.leader = leader
    this.preVotes.clear()
    this.votes.clear()
    this.acks.clear()
    this.lastHeard = now
    this.resetTimer(now)
  }

  private lastTick: number | undefined
  private lookedAfterStall = false

  /**
   * A tick more than a heartbeat after the previous one means this process stalled (a busy or starved event loop, a
   * long GC, a suspended laptop). Timers run before the I/O that queued up meanwhile is read, so judging the lease or
   * the election timeout now would miss the acknowledgements and heartbeats already waiting: the first tick after a
   * stall only looks, the next one (after that I/O) judges. Only one tick in a row is spared, so a process that keeps
   * stalling still steps down and still stands.
   */
  private stalled(now: number): boolean {
    const gap = this.lastTick === undefined ? 0 : now - this.lastTick
    this.lastTick = now
    if (gap > this.timing.heartbeatMs && !this.lookedAfterStall) {
      this.lookedAfterStall = true
      return true
    }
    this.lookedAfterStall = false
    return false
  }

  /** Called on every timer tick. */
  tick(now: number): TickAction {
    if (this.stalled(now)) return { type: 'none' }
    if (this.role === 'leader') {
      // Leader lease: without acknowledgements from a majority within one election timeout, step down.
      const fresh = [...this.acks.entries()].filter(([id, at]) => id !== this.self && now - at <= this.timing.electionTimeoutMs && this.isElector(id)).length
      const heard = fresh + (this.isElector(this.self) ? 1 : 0)
      if (heard < this.majority && now - this.leaderSince > this.timing.electionTimeoutMs) {
        const term = this.term
        const ages = [...this.acks.entries()].filter(([id]) => id !== this.self).map(([id, at]) => `${id} ${now - at} ms ago`)
        this.becomeFollower(this.term, undefined, now)
        return { type: 'step_down', term, reason: `heard from ${heard} of ${this.electors.length} electors, ${this.majority} needed (last acknowledgements: ${ages.length === 0 ? 'none' : ages.join(', ')})` }
      }
      if (now - this.lastHeartbeat >= this.timing.heartbeatMs) {
        this.lastHeartbeat = now
        return { type: 'heartbeat', term: this.term }
      }
      return { type: 'none' }
    }
    if (now < this.deadline || !this.isCandidate(this.self)) return { type: 'none' }
    // Stand: ask for pre-votes for the next term without changing ours.
    this.role = 'pre_candidate'
    this.preVotes = new Set([this.self])
    this.resetTimer(now)
    return { type: 'pre_vote', term: this.term + 1, electors: this.electors.map((e) => e.id).filter((id) => id !== this.self) }
  }

  private leaderSince = 0

  /** A verified heartbeat from `from` for `term`. Returns true if it was accepted (the service acknowledges it). */
  onHeartbeat(from: string, term: number, now: number, stepDown = false): boolean {
    // Our own name: a heartbeat of this member's previous incarnation (killed and restarted; gossip still carried its
    // messages). Following it would make a restarted admin the follower of itself, with nobody leading.
    if (from === this.self) return false
    if (term < this.term) return false
    if (term === this.term && this.leader !== undefined && this.leader !== from) return false
    if (term === this.term && this.role === 'leader' && from !== this.self) return false
    if (stepDown) {
      // The admin hands over: forget it and let the best candidate stand without waiting out stickiness.
      this.becomeFollower(term, undefined, now)
      this.handover = true
      this.lastHeard = now - this.timing.electionTimeoutMs
      this.deadline = Math.min(this.deadline, now + (this.deadline - now) / 4)
      return false
    }
    if (this.role !== 'follower' || this.leader !== from || term > this.term) this.becomeFollower(term, from, now)
    this.lastHeard = now
    this.resetTimer(now)
    return true
  }

  /** Whether a live admin was heard recently enough that votes must not be granted (stickiness). */
  private leaderIsAlive(now: number): boolean {
    if (this.handover) return false
    if (this.role === 'leader') return true
    return this.leader !== undefined && now - this.lastHeard < this.timing.electionTimeoutMs
  }

  /** The candidate this peer last gave a pre-vote to, for which term and when. */
  private preVoted: { candidate: string; term: number; at: number } | undefined

  /**
   * A pre-vote request: would we vote for `candidate` in `term`? Changes no term and no vote. One candidate per term
   * gets our pre-vote for half a timeout, so the best-ranked candidate (it stands first) is not raced by the next
   * ones while its round is under way; if it fails, the others get theirs after that. Pre-votes carry no safety
   * weight (only real, persisted votes do), so this only spares split votes.
   */
  onPreVoteRequest(candidate: string, term: number, now: number): VoteAnswer {
    if (!this.isCandidate(candidate)) return { granted: false, term: this.term, reason: `${candidate} is not a candidate` }
    if (term <= this.term) return { granted: false, term: this.term, reason: `term ${term} is not newer than ${this.term}` }
    if (this.leaderIsAlive(now)) return { granted: false, term: this.term, reason: `admin ${this.leader ?? this.self} is alive` }
    const p = this.preVoted
    if (p !== undefined && p.term === term && p.candidate !== candidate && now - p.at < this.timing.electionTimeoutMs / 2) {
      return { granted: false, term: this.term, reason: `pre-voted for ${p.candidate} in term ${term} just now` }
    }
    this.preVoted = { candidate, term, at: now }
    // Having backed this candidate, do not stand against it while its round is under way (the same half timeout):
    // in a large network the next-ranked candidates' timers fall due while the first one's round is still out, and
    // each extra round costs a request and an answer per elector. If the candidate fails, we stand after that.
    if (candidate !== this.self) this.deadline = Math.max(this.deadline, now + this.timing.electionTimeoutMs / 2)
    return { granted: true, term: this.term, persist: { term: this.term, votedFor: this.votedFor } }
  }

  /** A granted pre-vote (call with our own id right after standing: a lone elector is its own majority). */
  onPreVoteGranted(from: string, term: number): { type: 'none' } | { type: 'request_votes'; term: number; electors: string[]; persist: PersistentState } {
    if (this.role !== 'pre_candidate' || term !== this.term + 1 || (!this.isElector(from) && from !== this.self)) return { type: 'none' }
    this.preVotes.add(from)
    if (this.preVotes.size < this.majority) return { type: 'none' }
    // Pre-vote passed: bump the term and vote for ourselves (persisted by the caller before anything is sent).
    this.role = 'candidate'
    this.term = term
    this.votedFor = this.self
    this.leader = undefined
    this.handover = false
    this.votes = new Map()
    return { type: 'request_votes', term, electors: this.electors.map((e) => e.id).filter((id) => id !== this.self), persist: { term, votedFor: this.self } }
  }

  /** A real vote request. A granted vote must be persisted before it is sent. */
  onVoteRequest(candidate: string, term: number, now: number): VoteAnswer {
    if (!this.isCandidate(candidate)) return { granted: false, term: this.term, reason: `${candidate} is not a candidate` }
    if (term < this.term) return { granted: false, term: this.term, reason: `term ${term} is older than ${this.term}` }
    if (term > this.term && this.leaderIsAlive(now)) return { granted: false, term: this.term, reason: `admin ${this.leader ?? this.self} is alive` }
    if (term > this.term) this.becomeFollower(term, undefined, now)
    if (this.votedFor !== undefined && this.votedFor !== candidate) return { granted: false, term: this.term, reason: `already voted for ${this.votedFor} in term ${this.term}` }
    this.votedFor = candidate
    this.lastHeard = now
    this.resetTimer(now)
    return { granted: true, term: this.term, persist: { term: this.term, votedFor: candidate } }
  }

  /** A verified vote (our own included, right after requesting). Returns 'won' with the votes at a majority. */
  onVote(from: string, term: number, vote: unknown): { type: 'none' } | { type: 'won'; term: number; votes: unknown[] } {
    if (this.role !== 'candidate' || term !== this.term || !this.isElector(from)) return { type: 'none' }
    if (this.votes.get(from) !== undefined) return { type: 'none' }
    this.votes.set(from, vote)
    const cast = [...this.votes.values()].filter((v) => v !== undefined)
    if (cast.length < this.majority) return { type: 'none' }
    return { type: 'won', term, votes: cast }
  }

  /** The certificate of our win went out: lead. */
  becomeLeader(now: number): void {
    this.role = 'leader'
    this.leader = this.self
    this.leaderSince = now
    this.lastHeartbeat = 0
    this.acks.clear()
  }

  /** A verified certificate: follow its winner (the only way to learn of a term's admin besides heartbeats). */
  onCertificate(term: number, winner: string, now: number): boolean {
    if (term < this.term || (term === this.term && this.leader === winner)) return false
    if (term === this.term && this.role === 'leader' && winner !== this.self) return false
    if (winner === this.self) {
      this.term = term
      this.becomeLeader(now)
      return true
    }
    this.becomeFollower(term, winner, now)
    return true
  }

  /** When the lease runs out unless more acknowledgements arrive: the majority-th freshest ack plus the timeout. */
  leaseExpiresAt(now: number): number | undefined {
    if (this.role !== 'leader') return undefined
    const times = [...this.acks.entries()].filter(([id]) => id !== this.self && this.isElector(id)).map(([, at]) => at)
    if (this.isElector(this.self)) times.push(now)
    times.sort((a, b) => b - a)
    const at = times[this.majority - 1]
    return at === undefined ? Math.max(now, this.leaderSince + this.timing.electionTimeoutMs) : Math.max(at, this.leaderSince) + this.timing.electionTimeoutMs
  }

  /** A follower acknowledged our heartbeat (the lease). */
  onAck(from: string, term: number, now: number): void {
    if (this.role === 'leader' && term === this.term) this.acks.set(from, now)
  }

  /** An answer told us of a newer term: follow. */
  observeTerm(term: number, now: number): boolean {
    if (term <= this.term) return false
    this.becomeFollower(term, undefined, now)
    return true
  }

  /** The admin asks for an election (hand-over): stop leading, do not stand in the next term. */
  stepDown(now: number): number {
    const term = this.term
    this.becomeFollower(this.term, undefined, now)
    this.deadline = now + this.timing.electionTimeoutMs * 10
    return term
  }

  get persistent(): PersistentState {
    return { term: this.term, votedFor: this.votedFor }
  }

  get electionDeadline(): number {
    return this.deadline
  }
}
