// The misbehaviour tracker: counts clearly-invalid inputs per remote peer and bans a peer that sends too many of
// them within a window. The ban is enforced elsewhere (the gate refuses the peer, its connections are cut); this
// class only keeps the books, so it is pure apart from the clock and a pruning timer.
//
// Policy (also in the README, "The peer"):
// - Only inputs no honest peer sends count: undecodable or oversized frames, records that are malformed, of an
//   unknown kind, of another network or with a signature that does not verify, and streams that stall past their
//   read deadline. A stale record (an old roster replayed by a restarting peer), an unknown signer (a member who
//   joined a moment ago), an expired or future-dated record (a peer with a wrong clock) and a record our roster calls
//   forbidden (a promotion we have not heard of yet) depend on what each side knows: they are refused, never counted.
// - A peer is banned when it reaches 20 counted offences within 10 s (`threshold`, `windowMs`): a flood is banned within
//   a fraction of a second, while an honest peer's rare accident (a corrupted record, one timed-out stream) never
//   accumulates. Protocol changes must come with new protocol versions: a frame an older peer cannot decode counts.
// - The first ban lasts a minute; each further ban less than a day after the previous one ends doubles it, up to an
//   hour (`banMs`, `forgetAfterMs`, `maxBanMs`).
import { EventEmitter } from 'node:events'
import { RecordError, type RejectReason } from '../crypto/envelope.ts'

export const OFFENCES = ['invalid_gossip', 'invalid_record', 'invalid_request', 'undecodable_frame', 'oversized_frame', 'stalled_stream'] as const
export type Offence = (typeof OFFENCES)[number]

export interface MisbehaviourPolicy {
  /** Counted offences within `windowMs` that ban a peer. */
  threshold: number
  windowMs: number
  /** The first ban; doubled on each repeat. */
  banMs: number
  maxBanMs: number
  /** A peer not banned for this long starts again from `banMs`. */
  forgetAfterMs: number
}

export const DEFAULT_MISBEHAVIOUR_POLICY: MisbehaviourPolicy = {
  threshold: 20,
  windowMs: 10_000,
  banMs: 60_000,
  maxBanMs: 3_600_000,
  forgetAfterMs: 24 * 3_600_000,
}

export interface Ban {
  peerId: string
  /** The offence seen most often in the window that led to the ban. */
  reason: Offence
  /** Offences by kind in that window. */
  offences: Partial<Record<Offence, number>>
  since: number
  until: number
  /** 1 for a first ban, 2 for the next one, and so on. */
  repeat: number
}

/** Record rejections that only a broken or hostile sender produces, whatever the two sides know. */
const COUNTED_REASONS: ReadonlySet<RejectReason> = new Set(['malformed', 'oversized', 'unknown_kind', 'wrong_network', 'bad_signature'])

export function countsAgainstSender(reason: RejectReason): boolean {
  return COUNTED_REASONS.has(reason)
}

const OVERSIZED_ERRORS = new Set(['InvalidDataLengthError', 'InvalidDataLengthLengthError', 'InvalidMessageLengthError', 'MaxLengthError', 'MaxSizeError', 'StreamBufferError', 'StreamTooLargeError'])
const UNDECODABLE_ERRORS = new Set(['SyntaxError', 'RangeError', 'ParseError', 'InvalidMessageError', 'InvalidParametersError'])

/**
 * What an inbound stream that this peer aborted says about its sender: a record the validator refused, a frame over
 * the limit, bytes that do not decode, or a read deadline passed. Anything else (a reset, a cancelled request, our
 * own shutdown) counts for nothing.
 */
export function offenceOfStreamError(err: unknown): Offence | undefined {
  if (err instanceof RecordError) return countsAgainstSender(err.reason) ? 'invalid_record' : undefined
  const name = (err as { name?: unknown } | undefined)?.name
  if (typeof name !== 'string') return undefined
  if (OVERSIZED_ERRORS.has(name)) return 'oversized_frame'
  if (UNDECODABLE_ERRORS.has(name)) return 'undecodable_frame'
  if (name === 'TimeoutError') return 'stalled_stream'
  return undefined
}

interface PeerBook {
  /** Times of counted offences within the window, oldest first. */
  times: number[]
  kinds: Offence[]
}

export class MisbehaviourTracker extends EventEmitter<{ ban: [Ban]; lifted: [string] }> {
  readonly policy: MisbehaviourPolicy
  /** Offences counted since start, by kind (metrics and tests). */
  readonly totals: Record<Offence, number> = Object.fromEntries(OFFENCES.map((o) => [o, 0])) as Record<Offence, number>
  private readonly now: () => number
  private readonly books = new Map<string, PeerBook>()
  private readonly banned = new Map<string, Ban>()
  /** The last ban of each peer, for the back-off. */
  private readonly history = new Map<string, Ban>()
  private timer: NodeJS.Timeout | undefined

  constructor(policy: Partial<MisbehaviourPolicy> = {}, now: () => number = Date.now) {
    super()
    this.policy = { ...DEFAULT_MISBEHAVIOUR_POLICY, ...policy }
    this.now = now
  }

  /** Prunes old offences and lifts expired bans once per window. */
  start(): void {
    this.timer ??= setInterval(() => this.prune(), this.policy.windowMs)
    this.timer.unref()
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer)
    this.timer = undefined
  }

  isBanned(peerId: string): boolean {
    const ban = this.banned.get(peerId)
    return ban !== undefined && ban.until > this.now()
  }

  bans(): Ban[] {
    const now = this.now()
    return [...this.banned.values()].filter((b) => b.until > now)
  }

  /** One counted offence by a peer; returns the ban when this one crossed the threshold. */
  report(peerId: string, offence: Offence): Ban | undefined {
    if (this.isBanned(peerId)) return undefined
    const now = this.now()
    this.totals[offence]++
    const book = this.books.get(peerId) ?? { times: [], kinds: [] }
    this.books.set(peerId, book)
    book.times.push(now)
    book.kinds.push(offence)
    while (book.times.length > 0 && book.times[0]! <= now - this.policy.windowMs) {
      book.times.shift()
      book.kinds.shift()
    }
    if (book.times.length < this.policy.threshold) return undefined
    return this.ban(peerId, book.kinds, now)
  }

  private ban(peerId: string, kinds: Offence[], now: number): Ban {
    const offences: Partial<Record<Offence, number>> = {}
    for (const k of kinds) offences[k] = (offences[k] ?? 0) + 1
    const reason = (Object.entries(offences) as [Offence, number][]).sort((a, b) => b[1] - a[1])[0]![0]
    const previous = this.history.get(peerId)
    const repeat = previous !== undefined && now - previous.until < this.policy.forgetAfterMs ? previous.repeat + 1 : 1
    const length = Math.min(this.policy.maxBanMs, this.policy.banMs * 2 ** (repeat - 1))
    const ban: Ban = { peerId, reason, offences, since: now, until: now + length, repeat }
    this.books.delete(peerId)
    this.banned.set(peerId, ban)
    this.history.set(peerId, ban)
    this.emit('ban', ban)
    return ban
  }

  /** Forgets offences older than the window, lifts expired bans and drops back-off history past its term. */
  prune(): void {
    const now = this.now()
    for (const [peerId, book] of this.books) {
      if ((book.times.at(-1) ?? 0) <= now - this.policy.windowMs) this.books.delete(peerId)
    }
    for (const [peerId, ban] of this.banned) {
      if (ban.until > now) continue
      this.banned.delete(peerId)
      this.emit('lifted', peerId)
    }
    for (const [peerId, ban] of this.history) {
      if (now - ban.until >= this.policy.forgetAfterMs) this.history.delete(peerId)
    }
  }
}
