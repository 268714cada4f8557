// The election on the real network: drives the state machine with a timer, carries heartbeats and certificates over
// gossip and votes over a direct protocol, persists the term and vote before any answer leaves, and hands a won
// term to the custody service so the new admin can rebuild the admin key.
import { peerIdFromString } from '@libp2p/peer-id'
import type { ElectionStatus } from '../../../src-shared/governance.ts'
import { BzzzError } from '../../../src-shared/errors.ts'
import { roleRank } from '../../../src-shared/roles.ts'
import { fromBase64, toBase64, utf8 } from '../crypto/encoding.ts'
import { RecordError } from '../crypto/envelope.ts'
import { findMember } from '../membership/roster.ts'
import type { NetworkRuntime } from '../network/runtime.ts'
import { request, serve } from '../network/rpc.ts'
import type { Peer } from '../peer.ts'
import { certificateKey } from '../records/keys.ts'
import { failpoint } from '../failpoints.ts'
import { SYNC } from '../store/store.ts'
import { ElectionMachine, type ElectorInfo, type PersistentState } from './machine.ts'
import { rpcRequestSchema, signCertificate, signHeartbeat, signVote, signVoteRequest, verifyCertificate, verifyHeartbeat, verifyVote, verifyVoteRequest } from './messages.ts'
import { connectedPeerIds } from '../network/node.ts'

type TimelineEntry = ElectionStatus['timeline'][number]

export interface ElectionStats {
  /** Pre-vote and vote requests and their answers, and certificates: the messages an election costs. */
  electionMessages: number
  /** Heartbeat acknowledgements (the lease), counted apart: they are the steady-state cost, not an election's. */
  acks: number
  elections: number
}

export class ElectionService {
  readonly machine: ElectionMachine
  readonly stats: ElectionStats = { electionMessages: 0, acks: 0, elections: 0 }
  private readonly peer: Peer
  private readonly net: NetworkRuntime
  private readonly timing: { heartbeatMs: number; electionTimeoutMs: number }
  private timer: NodeJS.Timeout | undefined
  private readonly startedAt = Date.now()
  private readonly state
  private readonly certs
  private certificate: Uint8Array | undefined
  private readonly timeline: TimelineEntry[] = []
  private readonly lastSeen = new Map<string, number>()
  private scores: Record<string, number> = {}
  private readonly ackScores = new Map<string, number>()
  private lastAck = 0
  private wonHandler: ((term: number, certificate: Uint8Array) => void) | undefined
  /** A win found at start (the seat not taken yet), for the handler the runtime sets once start() has returned. */
  private unclaimedWin: { term: number; certificate: Uint8Array } | undefined

  /** Called with a won term's certificate (custody recovery). */
  get onWon(): ((term: number, certificate: Uint8Array) => void) | undefined {
    return this.wonHandler
  }

  set onWon(handler: ((term: number, certificate: Uint8Array) => void) | undefined) {
    this.wonHandler = handler
    const win = this.unclaimedWin
    this.unclaimedWin = handler === undefined ? win : undefined
    if (handler !== undefined && win !== undefined) handler(win.term, win.certificate)
  }

  private constructor(peer: Peer, net: NetworkRuntime, persisted: PersistentState, certificate: Uint8Array | undefined, leader: string | undefined) {
    this.peer = peer
    this.net = net
    this.timing = peer.config.election
    this.state = peer.store.json<PersistentState>('election')
    this.certs = peer.store.bytes('election-cert')
    this.certificate = certificate
    this.machine = new ElectionMachine({ self: peer.roster.roster.members.find((m) => m.peerIds.includes(net.peerId))?.id ?? net.peerId, timing: this.timing, random: Math.random, persisted, ...(leader === undefined ? {} : { leader }), now: Date.now() })
  }

  static async start(peer: Peer, net: NetworkRuntime): Promise<ElectionService> {
    const state = peer.store.json<PersistentState>('election')
    const persisted = (await state.get('state')) ?? { term: 0, votedFor: undefined }
    const certBytes = await peer.store.bytes('election-cert').get('current')
    let leader = peer.roster.roster.members.find((m) => m.role === 'admin')?.id
    let leaderTerm = peer.roster.roster.adminTerm
    if (certBytes !== undefined) {
      try {
        const cert = verifyCertificate(certBytes, peer.roster.roster).payload
        leader = cert.winner
        leaderTerm = cert.term
      } catch {
        // a certificate that no longer verifies (roster changed): the next heartbeat or election settles it
      }
    }
    // Only the leader of the persisted term: a peer that voted in a newer term and was killed before it learned the
    // winner must not restart as the leader of that term on the strength of an older certificate (two admins).
    if (leaderTerm !== persisted.term) leader = undefined
    const svc = new ElectionService(peer, net, persisted, certBytes, leader)
    // Back after a restart as the admin of the current term, still holding the key: resume (the same admin of the
    // same term). If a newer term was elected meanwhile, no one acknowledges us, the lease lapses and we follow.
    if (leader === svc.machine.self && peer.sessionOrUndefined?.admin !== undefined) {
      svc.machine.becomeLeader(Date.now())
      // Killed after storing the rebuilt key but before the roster named the seat: finish taking it (handed to the
      // handler the runtime sets once start() has returned).
      const me = findMember(peer.roster.roster, svc.machine.self)
      if (certBytes !== undefined && (me?.role !== 'admin' || peer.roster.roster.adminTerm < svc.machine.term)) {
        svc.unclaimedWin = { term: svc.machine.term, certificate: certBytes }
      }
    }
    await svc.wire()
    svc.refreshElectors()
    svc.timer = setInterval(() => svc.tick(), Math.max(20, Math.floor(svc.timing.heartbeatMs / 4)))
    svc.timer.unref()
    peer.roster.on('change', () => svc.refreshElectors())
    return svc
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer)
  }

  get term(): number {
    return this.machine.term
  }

  /** The admin this peer follows, if any. */
  get leader(): string | undefined {
    return this.machine.leader
  }

  get isLeader(): boolean {
    return this.machine.role === 'leader'
  }

  private note(kind: TimelineEntry['kind'], memberId?: string, detail?: string): void {
    this.timeline.push({ at: Date.now(), kind, term: this.machine.term, ...(memberId === undefined ? {} : { memberId }), ...(detail === undefined ? {} : { detail }) })
    if (this.timeline.length > 100) this.timeline.splice(0, this.timeline.length - 100)
  }

  /** This peer's own score: holding the admin key (no recovery needed), role, uptime, connectivity. */
  ownScore(): { score: number; uptime: number; capacity: number; role: number; holdsKey: number } {
    const roster = this.peer.roster.roster
    const me = findMember(roster, this.machine.self)
    const role = me === undefined ? 0 : Math.max(0, roleRank(me.role))
    const uptime = Math.min(1, (Date.now() - this.startedAt) / 3_600_000)
    const others = Math.max(1, roster.members.length - 1)
    const capacity = Math.min(1, connectedPeerIds(this.net.node).size / others)
    const holdsKey = this.peer.sessionOrUndefined?.admin !== undefined ? 1 : 0
    return { score: holdsKey * 5 + role + uptime + capacity, uptime, capacity, role, holdsKey }
  }

  private refreshElectors(): void {
    const roster = this.peer.roster.roster
    const electors: ElectorInfo[] = roster.members
      .filter((m) => m.flags.elector)
      .map((m) => ({ id: m.id, candidate: m.flags.candidate, score: this.scores[m.id] ?? (m.id === this.machine.self ? this.ownScore().score : roleRank(m.role)) }))
    this.machine.setElectors(electors, Date.now())
  }

  private async persist(state: PersistentState): Promise<void> {
    await this.state.put('state', state, SYNC)
  }

  private peerOf(memberId: string) {
    const id = findMember(this.peer.roster.roster, memberId)?.peerIds[0]
    return id === undefined ? undefined : peerIdFromString(id)
  }

  private async rpc(memberId: string, body: unknown): Promise<unknown> {
    const target = this.peerOf(memberId)
    if (target === undefined) throw new BzzzError('not_found', `no peer for ${memberId}`)
    if ((body as { type?: string }).type === 'ack') this.stats.acks++
    else this.stats.electionMessages += 2 // the request and its answer
    const reply = await request(this.net.node, target, this.net.names.vote, utf8.encode(JSON.stringify(body)), { timeoutMs: this.timing.electionTimeoutMs })
    return JSON.parse(utf8.decode(reply))
  }

  private async wire(): Promise<void> {
    const { net, peer } = this
    net.gossip.topic(net.names.topics.heartbeat, {
      verify: (data) => verifyHeartbeat(data, peer.roster.roster),
      handle: async (env) => {
        if ((env.payload.rosterSeq ?? 0) > this.peer.roster.roster.seq) void this.net.refreshRoster()
        await this.onHeartbeat(env.author, env.payload.term, env.payload.stepDown === true, env.payload.scores)
      },
    })
    net.gossip.topic(net.names.topics.election, {
      verify: (data) => ({ env: peer.validator.certificate(data), data }),
      handle: async ({ env, data }) => this.adoptCertificate(env.payload.term, env.payload.winner, data),
    })
    await serve(net.node, net.names.vote, async (body, remote) => utf8.encode(JSON.stringify(await this.answer(body, remote))), {
      timeoutMs: 10_000,
      maxBytes: 256 * 1024,
      onError: (err) => peer.log('debug', 'election request failed', { error: String(err) }),
    })
  }

  private async onHeartbeat(from: string, term: number, stepDown: boolean, scores: Record<string, number> | undefined): Promise<void> {
    const now = Date.now()
    this.lastSeen.set(from, now)
    if (term > this.machine.term || (term === this.machine.term && this.machine.leader === undefined && term > 0)) {
      // A leader of a term we have no certificate for: fetch and verify it before following.
      if (!(await this.fetchCertificate(from, term))) return
    }
    if (term === 0 && findMember(this.peer.roster.roster, from)?.role !== 'admin') return
    if (term > 0 && from !== this.machine.leader) return
    if (scores !== undefined) {
      this.scores = scores
      this.refreshElectors()
    }
    const accepted = this.machine.onHeartbeat(from, term, now, stepDown)
    if (stepDown) this.note('step_down', from, 'the admin asked for an election')
    // Acknowledge at most three times per lease: enough for the admin's lease, a third of the cost of acking each
    // heartbeat (every ack is a request on its own stream).
    if (accepted && from !== this.machine.self && now - this.lastAck >= Math.max(this.timing.heartbeatMs, this.timing.electionTimeoutMs / 3)) {
      this.lastAck = now
      void this.rpc(from, { type: 'ack', term, score: this.ownScore().score }).catch((err: Error) => this.peer.log('debug', 'heartbeat acknowledgement failed', { to: from, error: err.message }))
    }
  }

  private async fetchCertificate(from: string, term: number): Promise<boolean> {
    let bytes: Uint8Array | undefined
    try {
      const r = (await this.rpc(from, { type: 'certificate', term })) as { certificate?: string }
      if (r.certificate !== undefined) bytes = fromBase64(r.certificate)
    } catch {
      bytes = await this.net.getRecord(certificateKey(this.peer.roster.roster.network.id))
    }
    if (bytes === undefined) return false
    try {
      const cert = this.peer.validator.certificate(bytes)
      if (cert.payload.term !== term || cert.payload.winner !== from) return false
      await this.adoptCertificate(cert.payload.term, cert.payload.winner, bytes)
      return true
    } catch {
      return false
    }
  }

  /** Answers a request on the election protocol. */
  private async answer(body: Uint8Array, remote: string): Promise<unknown> {
    const parsed = rpcRequestSchema.safeParse(JSON.parse(utf8.decode(body)))
    if (!parsed.success) return { granted: false, term: this.machine.term, reason: 'malformed request' }
    const msg = parsed.data
    const sender = this.peer.roster.roster.members.find((m) => m.peerIds.includes(remote))
    const now = Date.now()
    switch (msg.type) {
      case 'ack':
        if (sender === undefined) return { ok: true }
        this.lastSeen.set(sender.id, now)
        this.ackScores.set(sender.id, msg.score)
        this.machine.onAck(sender.id, msg.term, now)
        return { ok: true }
      case 'certificate':
        return this.certificate === undefined ? {} : { certificate: toBase64(this.certificate) }
      case 'vote_request': {
        let req
        try {
          req = verifyVoteRequest(msg.envelope, this.peer.roster.roster)
        } catch (err) {
          return { granted: false, term: this.machine.term, reason: err instanceof RecordError ? err.message : 'invalid request' }
        }
        if (sender?.id !== req.author) return { granted: false, term: this.machine.term, reason: 'request not sent by its candidate' }
        const { candidate, term, phase } = req.payload
        if (phase === 'pre') {
          const a = this.machine.onPreVoteRequest(candidate, term, now)
          return a.granted ? { granted: true, term: a.term } : { granted: false, term: a.term, reason: a.reason }
        }
        if (this.peer.sessionOrUndefined === undefined) return { granted: false, term: this.machine.term, reason: 'this elector\'s vault is locked' }
        const a = this.machine.onVoteRequest(candidate, term, now)
        if (!a.granted) return { granted: false, term: a.term, reason: a.reason }
        await this.persist(a.persist) // the vote is on disk before it leaves
        failpoint('election.vote.after-persist', { term, candidate })
        this.note('vote', candidate, `voted in term ${term}`)
        this.peer.events.emit('election.vote', { term, voter: this.machine.self, candidate })
        return { granted: true, term: a.term, vote: signVote(this.peer.roster.roster.network.id, { term, candidate, voter: this.machine.self }, this.peer.session.signing) }
      }
    }
  }

  private tick(): void {
    const now = Date.now()
    // A locked vault cannot sign: it neither heartbeats nor stands (an admin that locks lets its lease lapse).
    const action = this.machine.tick(now)
    if (this.peer.sessionOrUndefined === undefined && action.type !== 'none' && action.type !== 'step_down') return
    switch (action.type) {
      case 'heartbeat': {
        const scores: Record<string, number> = { ...Object.fromEntries(this.ackScores), [this.machine.self]: this.ownScore().score }
        const bytes = signHeartbeat(this.peer.roster.roster.network.id, this.machine.self, { term: action.term, scores, rosterSeq: this.peer.roster.roster.seq, sentAt: now }, this.peer.session.signing)
        void this.net.gossip.publish(this.net.names.topics.heartbeat, bytes).catch(() => undefined)
        break
      }
      case 'step_down':
        this.note('step_down', this.machine.self, action.reason)
        this.peer.log('warn', 'stepped down as admin', { term: action.term, reason: action.reason })
        break
      case 'pre_vote':
        this.note('heartbeat_lost', this.machine.leader)
        this.note('pre_vote', this.machine.self)
        void this.stand(action.term, action.electors)
        break
    }
  }

  private async stand(term: number, electors: string[]): Promise<void> {
    const net = this.peer.roster.roster.network.id
    const key = this.peer.session.signing
    const score = this.ownScore().score
    const ask = (phase: 'pre' | 'real') => signVoteRequest(net, { phase, term, candidate: this.machine.self, score }, key)
    const afterPre = async (r: ReturnType<ElectionMachine['onPreVoteGranted']>) => {
      if (r.type !== 'request_votes') return
      await this.persist(r.persist)
      failpoint('election.candidate.after-persist', { term: r.term })
      this.stats.elections++
      this.note('election_started', this.machine.self)
      this.peer.events.emit('election.started', { term: r.term, candidate: this.machine.self })
      this.afterVote(this.machine.onVote(this.machine.self, r.term, signVote(net, { term: r.term, candidate: this.machine.self, voter: this.machine.self }, key)))
      const realReq = ask('real')
      await Promise.all(
        r.electors.map(async (to) => {
          const reply = (await this.rpc(to, { type: 'vote_request', envelope: realReq }).catch(() => undefined)) as { granted?: boolean; term?: number; vote?: string } | undefined
          if (reply?.granted && reply.vote !== undefined) {
            try {
              const vote = verifyVote(reply.vote, this.peer.roster.roster)
              if (vote.payload.term === r.term && vote.payload.candidate === this.machine.self && vote.author === to) this.afterVote(this.machine.onVote(to, r.term, reply.vote))
            } catch {
              // a forged or mismatched vote counts for nothing
            }
          } else if (reply?.term !== undefined && this.machine.observeTerm(reply.term, Date.now())) await this.persist(this.machine.persistent)
        }),
      )
    }
    await afterPre(this.machine.onPreVoteGranted(this.machine.self, term))
    const preReq = ask('pre')
    await Promise.all(
      electors.map(async (to) => {
        const reply = (await this.rpc(to, { type: 'vote_request', envelope: preReq }).catch(() => undefined)) as { granted?: boolean } | undefined
        if (reply?.granted) await afterPre(this.machine.onPreVoteGranted(to, term))
      }),
    )
  }

  private afterVote(r: ReturnType<ElectionMachine['onVote']>): void {
    if (r.type !== 'won') return
    const roster = this.peer.roster.roster
    const bytes = signCertificate(roster.network.id, { term: r.term, winner: this.machine.self, votes: r.votes as string[] }, this.peer.session.signing)
    void this.adoptCertificate(r.term, this.machine.self, bytes).then(async () => {
      await this.net.gossip.publish(this.net.names.topics.election, bytes).catch(() => undefined)
      await this.net.dht.put(certificateKey(roster.network.id), bytes, { target: 3, timeoutMs: 5_000 }).catch(() => undefined)
      this.stats.electionMessages++
    })
  }

  /** Follow (or lead) a verified certificate: persist it, record the result, hand a won term to custody. */
  private async adoptCertificate(term: number, winner: string, bytes: Uint8Array): Promise<void> {
    const changed = this.machine.onCertificate(term, winner, Date.now())
    if (!changed) return
    this.certificate = bytes
    // Certificate, term and record copy in one batch: apart, a kill could leave a certificate newer than the term.
    await this.peer.store.commit([
      { ns: this.certs, key: 'current', value: bytes },
      { ns: this.state, key: 'state', value: this.machine.persistent },
      this.peer.records.write(certificateKey(this.peer.roster.roster.network.id), bytes),
    ])
    failpoint('election.certificate.after-persist', { term, winner })
    this.note('leader_elected', winner)
    this.peer.events.emit('election.leader', { term, admin: winner })
    if (winner === this.machine.self) {
      await this.peer.audit.append('election_result', { term, winner }, winner)
      this.peer.log('info', 'elected admin', { term })
      this.onWon?.(term, bytes)
    }
  }

  /** The admin hands over: announce, step down, and let the best candidate stand. */
  async trigger(): Promise<number> {
    if (!this.isLeader) throw new BzzzError('conflict', 'only the sitting admin can call an election')
    const now = Date.now()
    const term = this.machine.stepDown(now)
    const bytes = signHeartbeat(this.peer.roster.roster.network.id, this.machine.self, { term, stepDown: true, sentAt: now }, this.peer.session.signing)
    await this.net.gossip.publish(this.net.names.topics.heartbeat, bytes).catch(() => undefined)
    this.note('step_down', this.machine.self, 'admin called an election')
    return term + 1
  }

  status(): ElectionStatus {
    const roster = this.peer.roster.roster
    const now = Date.now()
    const own = this.ownScore()
    const lease = this.machine.leaseExpiresAt(now)
    return {
      term: this.machine.term,
      ...(this.machine.leader === undefined ? {} : { admin: this.machine.leader }),
      self: this.machine.role,
      ...(lease === undefined ? {} : { leaseExpiresAt: Math.round(lease) }),
      peers: roster.members.map((m) => {
        const seen = m.id === this.machine.self ? now : this.lastSeen.get(m.id)
        const recent = seen !== undefined && now - seen < this.timing.electionTimeoutMs
        const state = m.id === this.machine.self ? this.machine.role : m.id === this.machine.leader ? (recent || this.machine.role !== 'leader' ? 'leader' : 'unknown') : recent ? 'follower' : 'unknown'
        return { memberId: m.id, state, ...(seen === undefined ? {} : { lastSeen: seen }) }
      }),
      candidates: roster.members
        .filter((m) => m.flags.elector)
        .map((m) => {
          const mine = m.id === this.machine.self
          const score = mine ? own.score : (this.scores[m.id] ?? this.ackScores.get(m.id) ?? roleRank(m.role))
          return { memberId: m.id, name: m.name, role: m.role, score, uptime: mine ? own.uptime : 0, capacity: mine ? own.capacity : 0, eligible: m.flags.candidate }
        })
        .sort((a, b) => Number(b.eligible) - Number(a.eligible) || b.score - a.score),
      timeline: [...this.timeline],
    }
  }
}
