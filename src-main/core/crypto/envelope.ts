// Signed envelopes: everything a peer asserts to others (decisions, rosters, votes, share releases, DHT records)
// travels as one of these. The signature covers a domain prefix and the canonical JSON of every other field.
import { z } from 'zod'
import { BzzzError } from '../../../src-shared/errors.ts'
import { canonicalJson, fromBase64, toBase64, utf8 } from './encoding.ts'
import { signBytes, verifyBytes, type SigningKeyPair } from './signing.ts'

export const RECORD_KINDS = [
  'decision',
  'announcement',
  'roster',
  'key_envelope',
  'invite',
  'join_request',
  'index',
  'heartbeat',
  'pre_vote',
  'vote',
  'certificate',
  'share_request',
  'share_release',
  'custody',
  'keyring',
  'presence',
  'admin_rotation',
] as const
export type RecordKind = (typeof RECORD_KINDS)[number]

export const ENVELOPE_VERSION = 1
/** Upper bound on an encoded envelope; a decision's sealed content is at most 256 KiB before base64. */
export const MAX_ENVELOPE_BYTES = 512 * 1024
/** How far in the future an issue time may be before we call the clock of its author wrong. */
export const CLOCK_SKEW_MS = 5 * 60 * 1000
const DOMAIN = utf8.encode('bzzz-envelope-v1\n')

export const REJECT_REASONS = ['malformed', 'oversized', 'unknown_kind', 'wrong_network', 'unknown_signer', 'bad_signature', 'expired', 'not_yet_valid', 'stale', 'forbidden'] as const
export type RejectReason = (typeof REJECT_REASONS)[number]

/** Longest RecordError message: they quote what a peer sent (names, keys, zod issues), which can be any size. */
const MAX_REASON_CHARS = 500

/** A record that failed validation, with a reason a test or a log can match on. */
export class RecordError extends BzzzError {
  readonly reason: RejectReason
  constructor(reason: RejectReason, message: string) {
    // Bounded, so a hostile record cannot put kilobytes into every log line and debug answer about it (fuzzing
    // found a 20 KB header.author quoted whole).
    const shown = message.length > MAX_REASON_CHARS ? `${message.slice(0, MAX_REASON_CHARS - 3)}...` : message
    super(reason === 'oversized' ? 'too_large' : reason === 'forbidden' ? 'forbidden' : 'invalid_input', shown)
    this.name = 'RecordError'
    this.reason = reason
  }
}

const envelopeSchema = z
  .object({
    v: z.literal(ENVELOPE_VERSION),
    kind: z.string().min(1).max(32),
    net: z.string().min(1).max(64),
    author: z.string().min(1).max(64),
    keyId: z.string().regex(/^[0-9a-f]{16}$/),
    seq: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
    iat: z.number().int().nonnegative(),
    exp: z.number().int().nonnegative(),
    payload: z.unknown(),
    sig: z.string().length(88),
  })
  .strict()

export interface Envelope<P = unknown> {
  v: typeof ENVELOPE_VERSION
  kind: RecordKind
  net: string
  author: string
  keyId: string
  seq: number
  iat: number
  exp: number
  payload: P
  sig: string
}

export interface SignOptions<P> {
  kind: RecordKind
  net: string
  author: string
  seq: number
  payload: P
  /** Lifetime in milliseconds from `now`. */
  ttlMs: number
  now?: number
}

function signedBytes(env: Omit<Envelope, 'sig'>): Uint8Array {
  const body = utf8.encode(canonicalJson(env))
  const out = new Uint8Array(DOMAIN.length + body.length)
  out.set(DOMAIN)
  out.set(body, DOMAIN.length)
  return out
}

export function signEnvelope<P>(opts: SignOptions<P>, key: SigningKeyPair): Envelope<P> {
  const iat = opts.now ?? Date.now()
  const unsigned = {
    v: ENVELOPE_VERSION,
    kind: opts.kind,
    net: opts.net,
    author: opts.author,
    keyId: key.keyId,
    seq: opts.seq,
    iat,
    exp: iat + opts.ttlMs,
    payload: opts.payload,
  } as const
  const sig = toBase64(signBytes(key, signedBytes(unsigned)))
  return { ...unsigned, sig }
}

export function encodeEnvelope(env: Envelope): Uint8Array {
  const bytes = utf8.encode(canonicalJson(env))
  if (bytes.length > MAX_ENVELOPE_BYTES) throw new RecordError('oversized', `record is ${bytes.length} bytes; the limit is ${MAX_ENVELOPE_BYTES}`)
  return bytes
}

/** Parses bytes into an envelope shape. Does not verify: call verifyEnvelope before trusting anything in it. */
export function decodeEnvelope(bytes: Uint8Array, maxBytes = MAX_ENVELOPE_BYTES): Envelope {
  if (bytes.length > maxBytes) throw new RecordError('oversized', `record is ${bytes.length} bytes; the limit is ${maxBytes}`)
  let json: unknown
  try {
    json = JSON.parse(utf8.decode(bytes))
  } catch {
    throw new RecordError('malformed', 'record is not UTF-8 JSON')
  }
  const parsed = envelopeSchema.safeParse(json)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new RecordError('malformed', `record envelope is malformed at '${issue?.path.join('.') ?? ''}': ${issue?.message ?? 'invalid'}`)
  }
  if (!(RECORD_KINDS as readonly string[]).includes(parsed.data.kind)) {
    throw new RecordError('unknown_kind', `unknown record kind '${parsed.data.kind}'`)
  }
  return parsed.data as Envelope
}

export interface VerifyOptions {
  /** The public key for an author and key id, or undefined when the author is not a known signer. */
  resolveKey: (author: string, keyId: string, kind: RecordKind) => Uint8Array | undefined
  net: string
  kinds?: readonly RecordKind[]
  now?: number
  /** Accept envelopes past their expiry (history that is kept after its network lifetime, e.g. audit). */
  allowExpired?: boolean
}

export function verifyEnvelope<P = unknown>(env: Envelope, opts: VerifyOptions): Envelope<P> {
  if (!(RECORD_KINDS as readonly string[]).includes(env.kind)) throw new RecordError('unknown_kind', `unknown record kind '${env.kind}'`)
  if (opts.kinds !== undefined && !opts.kinds.includes(env.kind)) {
    throw new RecordError('unknown_kind', `expected a ${opts.kinds.join(' or ')} record, got '${env.kind}'`)
  }
  if (env.net !== opts.net) throw new RecordError('wrong_network', `record belongs to network '${env.net}', not '${opts.net}'`)
  const publicKey = opts.resolveKey(env.author, env.keyId, env.kind)
  if (publicKey === undefined) throw new RecordError('unknown_signer', `'${env.author}' (key ${env.keyId}) is not a member allowed to sign ${env.kind} records`)
  const { sig, ...unsigned } = env
  let signature: Uint8Array
  try {
    signature = fromBase64(sig, 'signature')
  } catch {
    throw new RecordError('malformed', 'signature is not base64')
  }
  // Canonical base64 only: the last character of 64 bytes carries 4 unused bits, and setting them gave the same
  // record a different `sig` (and canonical encoding) that still verified (found by fuzzing).
  if (toBase64(signature) !== sig) throw new RecordError('malformed', 'signature is not canonical base64')
  let message: Uint8Array
  try {
    message = signedBytes(unsigned)
  } catch (err) {
    // A payload canonical JSON cannot express (a number like 1e999 that JSON.parse made Infinity, nesting past 64
    // levels) was a BzzzError that callers matching RecordError did not expect (found by fuzzing).
    throw new RecordError('malformed', `record cannot be verified: ${err instanceof Error ? err.message : 'its payload cannot be encoded'}`)
  }
  if (!verifyBytes(publicKey, message, signature)) {
    throw new RecordError('bad_signature', `signature of ${env.kind} record by '${env.author}' does not verify`)
  }
  const now = opts.now ?? Date.now()
  if (env.iat > now + CLOCK_SKEW_MS) throw new RecordError('not_yet_valid', `record issued ${Math.round((env.iat - now) / 1000)} s in the future`)
  if (env.exp < env.iat) throw new RecordError('malformed', 'record expires before it was issued')
  if (!opts.allowExpired && env.exp < now) throw new RecordError('expired', `${env.kind} record by '${env.author}' expired ${new Date(env.exp).toISOString()}`)
  return env as Envelope<P>
}
