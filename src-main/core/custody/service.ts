// Key custody: the five custodians hold shares of the admin key; after an election the certified winner asks them
// for their shares, each custodian checks the certificate and releases its share (sealed to the winner and signed)
// automatically or after its user approves, and the winner rebuilds the key, checks it against the admin public key,
// names any bad share, and only then acts as admin.
import { randomBytes } from 'node:crypto'
import { peerIdFromString } from '@libp2p/peer-id'
import { z } from 'zod'
import type { CustodyStatus } from '../../../src-shared/governance.ts'
import { BzzzError } from '../../../src-shared/errors.ts'
import { ageDecrypt, ageEncrypt } from '../crypto/age.ts'
import { matchesAdminPublic } from '../crypto/admin-key.ts'
import { fromBase64, toBase64, utf8 } from '../crypto/encoding.ts'
import { decodeEnvelope, encodeEnvelope, RecordError, signEnvelope, verifyEnvelope, type Envelope } from '../crypto/envelope.ts'
import { combineShares, decodeShare, shareDigest, type Share } from '../crypto/shamir.ts'
import { verifyCertificate } from '../election/messages.ts'
import { findMember, memberSigningKey, type Roster } from '../membership/roster.ts'
import type { NetworkRuntime } from '../network/runtime.ts'
import { request, serve } from '../network/rpc.ts'
import type { Peer } from '../peer.ts'
import { failpoint } from '../failpoints.ts'
import { onKeyRecovered, prefetchKeyring } from './takeover.ts'
import { connectedPeerIds } from '../network/node.ts'

const SESSION_MS = 2 * 60_000

const shareRequestSchema = z.object({ sessionId: z.string().regex(/^[0-9a-f]{32}$/), term: z.number().int().positive(), certificate: z.string(), expiresAt: z.number().int() }).strict()
type ShareRequest = z.infer<typeof shareRequestSchema>
const shareReleaseSchema = z.object({ sessionId: z.string(), term: z.number().int().positive(), winner: z.string(), index: z.number().int(), epoch: z.number().int(), sealed: z.string() }).strict()
type ShareRelease = z.infer<typeof shareReleaseSchema>
const rpcSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('request'), envelope: z.string() }).strict(),
  z.object({ type: z.literal('release'), envelope: z.string() }).strict(),
])

interface PendingRequest {
  id: string
  request: Envelope<ShareRequest>
  winner: string
  certifiedBy: string[]
  requestedAt: number
  state: 'pending' | 'approved' | 'denied' | 'expired' | 'released'
}

interface Recovery {
  sessionId: string
  term: number
  certificate: Uint8Array
  expiresAt: number
  shares: Map<number, Share>
  bad: { memberId: string; reason: string }[]
  asked: Set<string>
  state: 'collecting' | 'recovered' | 'failed' | 'expired'
}

export class CustodyService {
  private readonly peer: Peer
  private readonly net: NetworkRuntime
  private readonly pending = new Map<string, PendingRequest>()
  /** Requests released automatically (policy auto), to answer the winner's repeated asks the same way. */
  private readonly autoReleased = new Map<string, PendingRequest>()
  private recovery: Recovery | undefined
  private stopped = false
  private readonly timer: NodeJS.Timeout
  /** Every share this custodian released, for the invariant tests: (term, winner). */
  readonly released: { term: number; winner: string; sessionId: string }[] = []

  private constructor(peer: Peer, net: NetworkRuntime) {
    this.peer = peer
    this.net = net
    this.timer = setInterval(() => this.expire(), 1000)
    this.timer.unref()
  }

  static async start(peer: Peer, net: NetworkRuntime): Promise<CustodyService> {
    const svc = new CustodyService(peer, net)
    await serve(net.node, net.names.share, async (body, remote) => utf8.encode(JSON.stringify(await svc.answer(body, remote))), {
      timeoutMs: 15_000,
      maxBytes: 256 * 1024,
      onError: (err) => peer.log('debug', 'custody request failed', { error: String(err) }),
    })
    return svc
  }

  stop(): void {
    this.stopped = true
    clearInterval(this.timer)
  }

  private get policy(): 'auto' | 'ask' {
    return this.peer.config.custody.policy
  }

  private roster(): Roster {
    return this.peer.roster.roster
  }

  private async rpc(memberId: string, body: unknown): Promise<unknown> {
    const id = findMember(this.roster(), memberId)?.peerIds[0]
    if (id === undefined) throw new BzzzError('not_found', `no peer for ${memberId}`)
    const reply = await request(this.net.node, peerIdFromString(id), this.net.names.share, utf8.encode(JSON.stringify(body)), { timeoutMs: 10_000 })
    return JSON.parse(utf8.decode(reply))
  }

  // -- the winner ---------------------------------------------------------------------------------------------

  /** After winning a term: rebuild the admin key unless this peer already holds it. */
  async recover(term: number, certificate: Uint8Array): Promise<void> {
    const roster = this.roster()
    const session = this.peer.session
    if (session.admin !== undefined && matchesAdminPublic(session.admin.secret, roster.admin)) {
      await onKeyRecovered(this.peer, this.net, term, session.admin.secret)
      return
    }
    // Fetch the keyring while the shares come in: the seat needs both.
    prefetchKeyring(this.peer, this.net)
    const sessionId = randomBytes(16).toString('hex')
    const rec: Recovery = { sessionId, term, certificate, expiresAt: Date.now() + SESSION_MS, shares: new Map(), bad: [], asked: new Set(), state: 'collecting' }
    this.recovery = rec
    if (session.share !== undefined && session.share.epoch === roster.custody.epoch) this.acceptShare(rec, session.memberId, { index: session.share.index, bytes: session.share.bytes })
    const envelope = toBase64(
      encodeEnvelope(signEnvelope({ kind: 'share_request', net: roster.network.id, author: session.memberId, seq: term, payload: { sessionId, term, certificate: toBase64(certificate), expiresAt: rec.expiresAt }, ttlMs: SESSION_MS }, session.signing)),
    )
    this.progress(rec)
    await Promise.all(
      roster.custody.slots
        .filter((s) => s.memberId !== null && s.memberId !== session.memberId)
        .map((s) => this.askCustodian(rec, s.memberId!, envelope)),
    )
  }

  /**
   * Asks one custodian until its share is in, it refuses, or the session is over. A custodian that is unreachable or
   * still deciding (it may have been killed in the middle of releasing, and restarted) is asked again with backoff;
   * the custodian answers a repeated request of the same session idempotently.
   */
  private async askCustodian(rec: Recovery, custodian: string, envelope: string): Promise<void> {
    rec.asked.add(custodian)
    const slot = this.roster().custody.slots.find((s) => s.memberId === custodian)
    for (let attempt = 0; rec.state === 'collecting' && this.recovery === rec && !this.stopped; attempt++) {
      if (slot !== undefined && rec.shares.has(slot.index)) return
      try {
        const reply = (await this.rpc(custodian, { type: 'request', envelope })) as { status: string; release?: string; reason?: string }
        if (reply.status === 'released' && reply.release !== undefined) return await this.onRelease(reply.release, custodian)
        if (reply.status === 'refused') return this.peer.log('warn', 'custodian refused', { custodian, reason: reply.reason })
        // 'pending': its user decides; the release comes by itself, but ask again in case the custodian restarts.
      } catch (err) {
        if (attempt === 0) this.peer.log('info', 'custodian unreachable', { custodian, error: (err as Error).message })
      }
      await new Promise((r) => setTimeout(r, Math.min(5_000, 500 * 2 ** attempt)).unref())
    }
  }

  private acceptShare(rec: Recovery, memberId: string, share: Share): void {
    const slot = this.roster().custody.slots.find((s) => s.index === share.index)
    if (slot === undefined || slot.memberId !== memberId) {
      rec.bad.push({ memberId, reason: `share ${share.index} does not belong to ${memberId}` })
      return
    }
    if (shareDigest(share.bytes) !== slot.digest) {
      rec.bad.push({ memberId, reason: `share ${share.index} from ${memberId} does not match its signed commitment (corrupted or forged); another custodian is needed` })
      this.peer.log('warn', 'bad share', { custodian: memberId, index: share.index })
      return
    }
    rec.shares.set(share.index, share)
  }

  private async onRelease(b64: string, from: string): Promise<void> {
    const rec = this.recovery
    const roster = this.roster()
    let env: Envelope<ShareRelease>
    try {
      const raw = verifyEnvelope(decodeEnvelope(fromBase64(b64)), { net: roster.network.id, kinds: ['share_release'], resolveKey: (a, k) => memberSigningKey(roster, a, k) })
      const parsed = shareReleaseSchema.safeParse(raw.payload)
      if (!parsed.success) throw new RecordError('malformed', 'malformed share release')
      env = { ...raw, payload: parsed.data }
    } catch (err) {
      this.peer.log('warn', 'share release refused', { from, error: String(err) })
      return
    }
    const r = env.payload
    if (rec === undefined || rec.state !== 'collecting' || r.sessionId !== rec.sessionId || r.term !== rec.term || r.winner !== this.peer.session.memberId || env.author !== from) {
      this.peer.log('warn', 'share release for another session refused', { from })
      return
    }
    if (r.epoch !== roster.custody.epoch) {
      rec.bad.push({ memberId: from, reason: `share from custody epoch ${r.epoch}; epoch ${roster.custody.epoch} is current` })
      return
    }
    if (rec.shares.has(r.index)) return // a duplicate counts once
    const opened = await ageDecrypt(fromBase64(r.sealed), [this.peer.session.own])
    if (opened === null) {
      rec.bad.push({ memberId: from, reason: 'the share was not sealed to this peer' })
      return
    }
    let share: Share
    try {
      share = decodeShare(utf8.decode(opened.plaintext))
    } catch {
      rec.bad.push({ memberId: from, reason: 'the released share is not a share' })
      this.progress(rec)
      return
    }
    if (share.index !== r.index) {
      rec.bad.push({ memberId: from, reason: 'the share index disagrees with the release' })
      return
    }
    this.acceptShare(rec, from, share)
    this.progress(rec)
    await this.tryCombine(rec)
  }

  private progress(rec: Recovery): void {
    const needed = this.roster().custody.threshold
    this.peer.events.emit('custody.progress', { sessionId: rec.sessionId, received: rec.shares.size, needed, badShares: rec.bad })
  }

  private async tryCombine(rec: Recovery): Promise<void> {
    const roster = this.roster()
    if (rec.state !== 'collecting' || rec.shares.size < roster.custody.threshold) return
    const result = await combineShares([...rec.shares.values()], { commitments: roster.custody.slots.map((s) => s.digest), verify: (secret) => matchesAdminPublic(secret, roster.admin) })
    if (!result.ok) {
      rec.bad.push({ memberId: '?', reason: result.reason })
      this.progress(rec)
      return
    }
    rec.state = 'recovered'
    failpoint('custody.recover.after-combine', { term: rec.term })
    await this.peer.audit.append('admin_key_recovered', { term: rec.term, shares: result.used, bad: rec.bad.map((b) => b.memberId) }, this.peer.session.memberId)
    await onKeyRecovered(this.peer, this.net, rec.term, result.secret)
    this.peer.events.emit('custody.keyRecovered', { term: rec.term, admin: this.peer.session.memberId })
  }

  // -- the custodian ------------------------------------------------------------------------------------------

  private async answer(body: Uint8Array, remote: string): Promise<unknown> {
    const parsed = rpcSchema.safeParse(JSON.parse(utf8.decode(body)))
    if (!parsed.success) return { status: 'refused', reason: 'malformed request' }
    const sender = this.roster().members.find((m) => m.peerIds.includes(remote))
    if (sender === undefined) return { status: 'refused', reason: 'not a member' }
    if (parsed.data.type === 'release') {
      await this.onRelease(parsed.data.envelope, sender.id)
      return { ok: true }
    }
    return this.onShareRequest(parsed.data.envelope, sender.id)
  }

  private async onShareRequest(b64: string, from: string): Promise<unknown> {
    const roster = this.roster()
    const session = this.peer.sessionOrUndefined
    if (session === undefined) return { status: 'refused', reason: 'this custodian\'s vault is locked' }
    if (session.share === undefined) return { status: 'refused', reason: 'this member holds no share' }
    let req: Envelope<ShareRequest>
    let winner: string
    let certifiedBy: string[]
    try {
      const raw = verifyEnvelope(decodeEnvelope(fromBase64(b64)), { net: roster.network.id, kinds: ['share_request'], resolveKey: (a, k) => memberSigningKey(roster, a, k) })
      const p = shareRequestSchema.safeParse(raw.payload)
      if (!p.success) throw new RecordError('malformed', 'malformed share request')
      req = { ...raw, payload: p.data }
      const cert = verifyCertificate(fromBase64(req.payload.certificate), roster)
      winner = cert.payload.winner
      certifiedBy = cert.payload.votes.map((v) => decodeEnvelope(fromBase64(v)).author)
      // Only to the certified winner of the newest term this custodian knows, and only on its own request.
      if (cert.payload.term !== req.payload.term) throw new RecordError('forbidden', 'the certificate is for another term')
      if (winner !== req.author || winner !== from) throw new RecordError('forbidden', `${from} is not the certified winner of term ${cert.payload.term}`)
      const known = this.peer.election?.term ?? 0
      if (cert.payload.term < known) throw new RecordError('stale', `term ${cert.payload.term} is over; term ${known} is current`)
      if (req.payload.expiresAt < Date.now()) throw new RecordError('expired', 'the request expired')
    } catch (err) {
      const reason = err instanceof Error ? err.message : 'invalid request'
      await this.peer.audit.append('share_refused', { from, reason }, session.memberId)
      return { status: 'refused', reason }
    }
    const id = `${req.payload.sessionId}:${session.memberId}`
    // The winner asks again while it waits: answer the same request the same way (never a second pending entry).
    const earlier = this.pending.get(id) ?? this.autoReleased.get(id)
    if (earlier !== undefined) {
      if (earlier.state === 'released') return { status: 'released', release: await this.release(earlier) }
      if (earlier.state === 'pending') return { status: 'pending' }
      return { status: 'refused', reason: `the request is ${earlier.state}` }
    }
    const entry: PendingRequest = { id, request: req, winner, certifiedBy, requestedAt: Date.now(), state: 'pending' }
    if (this.policy === 'auto') {
      this.autoReleased.set(id, entry) // first, so a repeated ask meanwhile is told 'pending', not released twice
      try {
        return { status: 'released', release: await this.release(entry) }
      } catch (err) {
        this.autoReleased.delete(id)
        throw err
      }
    }
    this.pending.set(id, entry)
    this.peer.events.emit('custody.request', this.describe(entry))
    return { status: 'pending' }
  }

  private describe(p: PendingRequest) {
    return { id: p.id, term: p.request.payload.term, winner: p.winner, certifiedBy: p.certifiedBy, requestedAt: p.requestedAt, expiresAt: p.request.payload.expiresAt, state: p.state }
  }

  private async release(p: PendingRequest): Promise<string> {
    const session = this.peer.session
    const share = session.share!
    const winner = findMember(this.roster(), p.winner)
    if (winner === undefined) throw new BzzzError('not_found', `${p.winner} is not a member`)
    const sealed = toBase64(await ageEncrypt(`${share.index}:${Buffer.from(share.bytes).toString('hex')}`, [winner.ageRecipient]))
    const payload: ShareRelease = { sessionId: p.request.payload.sessionId, term: p.request.payload.term, winner: p.winner, index: share.index, epoch: share.epoch, sealed }
    const env = signEnvelope({ kind: 'share_release', net: this.roster().network.id, author: session.memberId, seq: payload.term, payload, ttlMs: SESSION_MS }, session.signing)
    if (p.state !== 'released') {
      p.state = 'released'
      this.released.push({ term: payload.term, winner: p.winner, sessionId: payload.sessionId })
      await this.peer.audit.append('share_released', { term: payload.term, winner: p.winner, index: share.index, policy: this.policy }, session.memberId)
      this.peer.events.emit('custody.shareReleased', { requestId: p.id, custodian: session.memberId, winner: p.winner, term: payload.term })
    }
    failpoint('custody.release.before-send', { term: payload.term, winner: p.winner })
    return toBase64(encodeEnvelope(env))
  }

  async approve(requestId: string): Promise<void> {
    const p = this.pending.get(requestId)
    if (p === undefined) throw new BzzzError('not_found', `no pending share request '${requestId}'`)
    if (p.state !== 'pending') throw new BzzzError('conflict', `the request is ${p.state}`)
    if (p.request.payload.expiresAt < Date.now()) {
      p.state = 'expired'
      throw new BzzzError('conflict', 'the request expired; the winner will ask again')
    }
    if ((this.peer.election?.term ?? 0) > p.request.payload.term) throw new BzzzError('conflict', 'a newer election has happened; this request is void')
    const release = await this.release(p)
    await this.rpc(p.winner, { type: 'release', envelope: release })
    failpoint('custody.release.after-send', { term: p.request.payload.term, winner: p.winner })
  }

  async deny(requestId: string, reason: string): Promise<void> {
    const p = this.pending.get(requestId)
    if (p === undefined) throw new BzzzError('not_found', `no pending share request '${requestId}'`)
    if (p.state !== 'pending') throw new BzzzError('conflict', `the request is ${p.state}`)
    p.state = 'denied'
    await this.peer.audit.append('share_refused', { term: p.request.payload.term, winner: p.winner, reason: reason || 'denied by the custodian' }, this.peer.session.memberId)
  }

  private expire(): void {
    const now = Date.now()
    for (const p of this.pending.values()) if (p.state === 'pending' && p.request.payload.expiresAt < now) p.state = 'expired'
    const rec = this.recovery
    for (const [id, p] of this.autoReleased) if (p.request.payload.expiresAt < now) this.autoReleased.delete(id)
    if (rec !== undefined && rec.state === 'collecting' && rec.expiresAt < now) {
      rec.state = 'expired'
      this.progress(rec)
      // Still the admin of that term, still without the key: open a new session (custodians may be back by now);
      // otherwise the seat would stay empty until the next election.
      const election = this.peer.election
      if (!this.stopped && election?.isLeader === true && election.term === rec.term && this.peer.sessionOrUndefined?.admin === undefined) {
        void this.recover(rec.term, rec.certificate).catch((err: Error) => this.peer.log('error', 'admin key recovery failed', { term: rec.term, error: err.message }))
      }
    }
  }

  status(): CustodyStatus {
    const roster = this.roster()
    const session = this.peer.sessionOrUndefined
    const connected = connectedPeerIds(this.net.node)
    const rec = this.recovery
    return {
      threshold: roster.custody.threshold,
      epoch: roster.custody.epoch,
      custodians: roster.custody.slots
        .filter((s) => s.memberId !== null)
        .map((s) => {
          const m = findMember(roster, s.memberId!)
          const online = m !== undefined && (m.id === session?.memberId || m.peerIds.some((p) => connected.has(p)))
          return { memberId: s.memberId!, shareIndex: s.index, online }
        }),
      holdsShare: session?.share !== undefined && session.share.epoch === roster.custody.epoch,
      policy: this.policy,
      pending: [...this.pending.values()].map((p) => this.describe(p)),
      ...(rec === undefined ? {} : { recovery: { sessionId: rec.sessionId, term: rec.term, received: rec.shares.size, needed: roster.custody.threshold, badShares: rec.bad, state: rec.state } }),
    }
  }
}
