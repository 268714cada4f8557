// Validation of every record a peer stores or relays: the DHT's validators and selectors, gossip, and the local
// store all use these checks, so a record is judged the same way wherever it arrives.
import type { Selectors, Validators } from '@libp2p/kad-dht'
import { mayPublish } from '../../../src-shared/roles.ts'
import { formatAddress, parseAddress } from '../../../src-shared/ucxl.ts'
import { fromBase64, utf8 } from '../crypto/encoding.ts'
import { decodeEnvelope, RecordError, verifyEnvelope, type Envelope, type RecordKind } from '../crypto/envelope.ts'
import { sha256Hex } from '../crypto/hash.ts'
import { signingKeyId } from '../crypto/signing.ts'
import type { TrustAnchor } from '../membership/roster-book.ts'
import { ADMIN_AUTHOR, findMember, memberSigningKey, verifyRoster, type Roster } from '../membership/roster.ts'
import { decisionKey, keysKey, logKey, parseRecordKey } from './keys.ts'
import { decisionRecordSchema, announcementSchema, keyEnvelopeSchema, keyringSchema, logRecordSchema, LOG_PAGE_SIZE, type DecisionRecord, type KeyEnvelopePayload, type KeyringPayload, type LogRecord } from './schemas.ts'
import { verifyCertificate, type Certificate } from '../election/messages.ts'

export interface ValidatorContext {
  trust: () => TrustAnchor | undefined
  roster: () => Roster | undefined
  /** The highest certified election term this peer knows (older certificates and rosters are stale). */
  knownTerm?: () => number
  /** The newest log count this peer knows for an author (older log heads are stale). */
  knownLogCount?: (author: string) => number
}

function payloadOf<T>(env: Envelope, schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } } }, what: string): T {
  const r = schema.safeParse(env.payload)
  if (!r.success) {
    const issue = r.error.issues[0]
    throw new RecordError('malformed', `${what} payload is malformed at '${issue?.path.map(String).join('.') ?? ''}': ${issue?.message ?? ''}`)
  }
  return r.data
}

export class RecordValidator {
  private readonly ctx: ValidatorContext

  constructor(ctx: ValidatorContext) {
    this.ctx = ctx
  }

  private anchor(): TrustAnchor {
    const t = this.ctx.trust()
    if (t === undefined) throw new RecordError('unknown_signer', 'this peer has no trust anchor yet')
    return t
  }

  private currentRoster(): Roster {
    const r = this.ctx.roster()
    if (r === undefined) throw new RecordError('unknown_signer', 'this peer has no roster yet')
    return r
  }

  /** Verifies an envelope signed by a roster member. */
  private memberEnvelope(env: Envelope, kinds: RecordKind[]): Envelope {
    const roster = this.currentRoster()
    return verifyEnvelope(env, { net: this.anchor().networkId, kinds, resolveKey: (author, keyId) => memberSigningKey(roster, author, keyId), allowExpired: false })
  }

  /** Verifies an envelope signed by the network admin key. */
  private adminEnvelope(env: Envelope, kinds: RecordKind[]): Envelope {
    const anchor = this.anchor()
    const adminKey = fromBase64(this.currentRoster().admin.signingKey)
    return verifyEnvelope(env, {
      net: anchor.networkId,
      kinds,
      resolveKey: (author, keyId) => (author === ADMIN_AUTHOR && keyId === signingKeyId(adminKey) ? adminKey : undefined),
    })
  }

  decision(env: Envelope, expectedKey?: string): Envelope<DecisionRecord> {
    const verified = this.memberEnvelope(env, ['decision'])
    const record = payloadOf(verified, decisionRecordSchema, 'decision')
    this.checkHeader(verified, record.header)
    if (expectedKey !== undefined && expectedKey !== decisionKey(verified.net, record.header.address)) {
      throw new RecordError('malformed', 'decision stored under a key that is not its address')
    }
    let sealed: Uint8Array
    try {
      sealed = fromBase64(record.sealed, 'sealed content')
    } catch {
      throw new RecordError('malformed', 'sealed content is not base64')
    }
    if (sha256Hex(sealed) !== record.header.contentHash || sealed.length !== record.header.size) {
      throw new RecordError('malformed', 'sealed content does not match the header hash and size')
    }
    return { ...verified, payload: record }
  }

  announcement(env: Envelope): Envelope<{ header: DecisionRecord['header'] }> {
    const verified = this.memberEnvelope(env, ['announcement'])
    const payload = payloadOf(verified, announcementSchema, 'announcement')
    this.checkHeader(verified, payload.header)
    return { ...verified, payload }
  }

  /** The header must agree with its signer, its address and the permission matrix. */
  private checkHeader(env: Envelope, header: DecisionRecord['header']): void {
    const parsed = parseAddress(header.address)
    if (!parsed.ok) throw new RecordError('malformed', parsed.message)
    if (formatAddress(parsed.value) !== header.address) throw new RecordError('malformed', 'address is not in canonical form')
    const member = findMember(this.currentRoster(), env.author)
    if (member === undefined) throw new RecordError('unknown_signer', `'${env.author}' is not a member`)
    if (header.author !== env.author || parsed.value.agent !== env.author) throw new RecordError('forbidden', `'${env.author}' signed a decision attributed to '${header.author}'`)
    const roles = [member.role, ...(member.formerRoles ?? [])]
    if (parsed.value.role !== header.authorRole || !roles.includes(header.authorRole)) throw new RecordError('forbidden', `'${env.author}' is a ${member.role}, not a ${header.authorRole}`)
    const may = mayPublish(header.authorRole, header.type, header.audience)
    if (!may.allowed) throw new RecordError('forbidden', may.reason)
    if (header.supersedes !== undefined && !parseAddress(header.supersedes).ok) throw new RecordError('malformed', 'supersedes is not a UCXL address')
  }

  log(env: Envelope, expectedKey?: string): Envelope<LogRecord> {
    const verified = this.memberEnvelope(env, ['index'])
    const log = payloadOf(verified, logRecordSchema, 'log')
    if (log.author !== verified.author) throw new RecordError('forbidden', 'a log can only be written by its author')
    if (log.count !== verified.seq) throw new RecordError('malformed', 'log count disagrees with the envelope sequence')
    const fullPages = Math.floor(log.count / LOG_PAGE_SIZE)
    const isHead = expectedKey === undefined || expectedKey === logKey(verified.net, log.author)
    if (expectedKey !== undefined && !isHead && expectedKey !== logKey(verified.net, log.author, log.page)) {
      throw new RecordError('malformed', 'log page stored under the wrong key')
    }
    const expectedEntries = isHead && log.page === fullPages ? log.count - fullPages * LOG_PAGE_SIZE : LOG_PAGE_SIZE
    if (log.page > fullPages || log.entries.length !== expectedEntries) throw new RecordError('malformed', 'log page has the wrong number of entries')
    for (const h of log.entries) if (h.author !== log.author) throw new RecordError('forbidden', 'a log lists only its author\'s decisions')
    const known = this.ctx.knownLogCount?.(log.author) ?? 0
    if (isHead && log.count < known) throw new RecordError('stale', `log of '${log.author}' has ${log.count} entries; ${known} are known`)
    return { ...verified, payload: log }
  }

  keyEnvelope(env: Envelope, expectedKey?: string): Envelope<KeyEnvelopePayload> {
    const verified = this.adminEnvelope(env, ['key_envelope'])
    const payload = payloadOf(verified, keyEnvelopeSchema, 'key envelope')
    if (expectedKey !== undefined && expectedKey !== keysKey(verified.net, payload.member)) throw new RecordError('malformed', 'key envelope stored under another member')
    return { ...verified, payload }
  }

  roster(env: Envelope): Envelope<Roster> {
    const anchor = this.anchor()
    const verified = verifyRoster(env, anchor)
    const current = this.ctx.roster()
    if (current !== undefined && verified.payload.seq < current.seq) throw new RecordError('stale', `roster ${verified.payload.seq} is older than the one held (${current.seq})`)
    const term = this.ctx.knownTerm?.() ?? 0
    if (current !== undefined && verified.payload.seq > current.seq && verified.payload.adminTerm < Math.min(term, current.adminTerm)) {
      throw new RecordError('stale', `roster issued in admin term ${verified.payload.adminTerm}; term ${term} is current`)
    }
    return verified
  }

  keyring(env: Envelope): Envelope<KeyringPayload> {
    const verified = this.adminEnvelope(env, ['keyring'])
    return { ...verified, payload: payloadOf(verified, keyringSchema, 'keyring') }
  }

  certificate(bytes: Uint8Array): Envelope<Certificate> {
    const cert = verifyCertificate(bytes, this.currentRoster())
    const term = this.ctx.knownTerm?.() ?? 0
    if (cert.payload.term < term) throw new RecordError('stale', `certificate for term ${cert.payload.term}; term ${term} is known`)
    return cert
  }

  /** Any record by its DHT key. Throws RecordError with a reason when it must be refused. */
  byKey(key: string, bytes: Uint8Array): Envelope {
    const parsed = parseRecordKey(key)
    if (parsed === undefined) throw new RecordError('malformed', `unknown DHT key '${key.slice(0, 80)}'`)
    if (parsed.net !== this.anchor().networkId) throw new RecordError('wrong_network', 'record key of another network')
    if (parsed.type === 'certificate') return this.certificate(bytes)
    const env = decodeEnvelope(bytes)
    switch (parsed.type) {
      case 'decision':
        return this.decision(env, key)
      case 'roster':
        return this.roster(env)
      case 'keys':
        return this.keyEnvelope(env, key)
      case 'log':
        return this.log(env, key)
      case 'keyring':
        return this.keyring(env)
    }
  }

  /** kad-dht validators: reject (throw) what is malformed, unsigned, from a non-member, oversized or stale. */
  kadValidators(onUnknownSigner?: () => Promise<boolean>): Validators {
    return {
      bzzz: async (key: Uint8Array, value: Uint8Array) => {
        let k: string
        try {
          k = utf8.decode(key)
        } catch {
          // A remote peer chooses the key bytes: not UTF-8 is a malformed record, not a TypeError (found by fuzzing).
          throw new RecordError('malformed', 'DHT key is not UTF-8')
        }
        try {
          this.byKey(k, value)
        } catch (err) {
          // A member who joined a moment ago: refresh the roster once, then judge again.
          if (err instanceof RecordError && err.reason === 'unknown_signer' && onUnknownSigner !== undefined && (await onUnknownSigner())) {
            this.byKey(k, value)
            return
          }
          throw err
        }
      },
    }
  }

  /** kad-dht selectors: the newest roster, log and key envelope win; decisions are immutable, the earliest wins. */
  kadSelectors(): Selectors {
    return {
      bzzz: (key: Uint8Array, records: Uint8Array[]) => {
        let best = 0
        let bestRank: [number, number] | undefined
        records.forEach((bytes, i) => {
          let env: Envelope
          try {
            env = decodeEnvelope(bytes)
          } catch {
            return
          }
          const rank: [number, number] = env.kind === 'decision' ? [-env.iat, 0] : [env.seq, env.iat]
          if (bestRank === undefined || rank[0] > bestRank[0] || (rank[0] === bestRank[0] && rank[1] > bestRank[1])) {
            best = i
            bestRank = rank
          }
        })
        void key
        return best
      },
    }
  }
}
