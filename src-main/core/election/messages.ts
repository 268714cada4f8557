// Election messages: heartbeats (gossip), vote requests and votes (direct protocol), and the certificate a winner
// publishes. All are signed envelopes; a certificate carries a majority of signed votes, so anyone can check it.
import { z } from 'zod'
import { fromBase64, toBase64 } from '../crypto/encoding.ts'
import { decodeEnvelope, encodeEnvelope, RecordError, signEnvelope, verifyEnvelope, type Envelope } from '../crypto/envelope.ts'
import type { SigningKeyPair } from '../crypto/signing.ts'
import { findMember, memberSigningKey, type Roster } from '../membership/roster.ts'

const SHORT_TTL_MS = 60_000
const CERT_TTL_MS = 100 * 365 * 24 * 3600 * 1000

export const heartbeatSchema = z
  .object({
    term: z.number().int().nonnegative(),
    /** The admin asks for an election and will not stand in it. */
    stepDown: z.boolean().optional(),
    /** Candidate scores the admin collected from acknowledgements: followers rank themselves by them. */
    scores: z.record(z.string(), z.number()).optional(),
    /** The roster version the admin holds: a follower that is behind fetches the newer roster. */
    rosterSeq: z.number().int().nonnegative().optional(),
    sentAt: z.number().int(),
  })
  .strict()
export type Heartbeat = z.infer<typeof heartbeatSchema>

export const voteRequestSchema = z.object({ phase: z.enum(['pre', 'real']), term: z.number().int().positive(), candidate: z.string(), score: z.number() }).strict()
export type VoteRequest = z.infer<typeof voteRequestSchema>

export const voteSchema = z.object({ term: z.number().int().positive(), candidate: z.string(), voter: z.string() }).strict()
export type Vote = z.infer<typeof voteSchema>

export const certificateSchema = z.object({ term: z.number().int().positive(), winner: z.string(), votes: z.array(z.string()).min(1).max(1024) }).strict()
export type Certificate = z.infer<typeof certificateSchema>

/** What travels on the election protocol (one request, one answer). */
export const rpcRequestSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('vote_request'), envelope: z.string() }).strict(),
  z.object({ type: z.literal('ack'), term: z.number().int().nonnegative(), score: z.number() }).strict(),
  z.object({ type: z.literal('certificate'), term: z.number().int().nonnegative() }).strict(),
])
export type ElectionRpcRequest = z.infer<typeof rpcRequestSchema>

export const rpcResponseSchema = z.union([
  z.object({ granted: z.boolean(), term: z.number().int().nonnegative(), reason: z.string().optional(), vote: z.string().optional() }).strict(),
  z.object({ ok: z.literal(true) }).strict(),
  z.object({ certificate: z.string().optional() }).strict(),
])

export function isElector(roster: Roster, id: string): boolean {
  return roster.members.some((m) => m.id === id && m.flags.elector)
}

export function electorCount(roster: Roster): number {
  return roster.members.filter((m) => m.flags.elector).length
}

export function majorityOf(roster: Roster): number {
  return Math.floor(electorCount(roster) / 2) + 1
}

function verifyMember<P>(env: Envelope, roster: Roster, kind: Envelope['kind'], schema: z.ZodType<P>, opts: { allowExpired?: boolean } = {}): Envelope<P> {
  const verified = verifyEnvelope(env, { net: roster.network.id, kinds: [kind], resolveKey: (author, keyId) => memberSigningKey(roster, author, keyId), allowExpired: opts.allowExpired ?? false })
  const parsed = schema.safeParse(verified.payload)
  if (!parsed.success) throw new RecordError('malformed', `${kind} payload is malformed`)
  return { ...verified, payload: parsed.data }
}

export function signHeartbeat(net: string, author: string, payload: Heartbeat, key: SigningKeyPair): Uint8Array {
  return encodeEnvelope(signEnvelope({ kind: 'heartbeat', net, author, seq: payload.term, payload, ttlMs: SHORT_TTL_MS }, key))
}

export function verifyHeartbeat(bytes: Uint8Array, roster: Roster): Envelope<Heartbeat> {
  return verifyMember(decodeEnvelope(bytes), roster, 'heartbeat', heartbeatSchema)
}

export function signVoteRequest(net: string, req: VoteRequest, key: SigningKeyPair): string {
  return toBase64(encodeEnvelope(signEnvelope({ kind: 'pre_vote', net, author: req.candidate, seq: req.term, payload: req, ttlMs: SHORT_TTL_MS }, key)))
}

export function verifyVoteRequest(b64: string, roster: Roster): Envelope<VoteRequest> {
  const env = verifyMember(decodeEnvelope(fromBase64(b64)), roster, 'pre_vote', voteRequestSchema)
  if (env.payload.candidate !== env.author) throw new RecordError('forbidden', 'a vote request must be signed by its candidate')
  return env
}

export function signVote(net: string, vote: Vote, key: SigningKeyPair): string {
  return toBase64(encodeEnvelope(signEnvelope({ kind: 'vote', net, author: vote.voter, seq: vote.term, payload: vote, ttlMs: CERT_TTL_MS }, key)))
}

/** A vote: signed by its voter, an elector of the roster. */
export function verifyVote(b64: string, roster: Roster): Envelope<Vote> {
  const env = verifyMember(decodeEnvelope(fromBase64(b64)), roster, 'vote', voteSchema, { allowExpired: true })
  if (env.payload.voter !== env.author) throw new RecordError('forbidden', 'a vote must be signed by its voter')
  if (!isElector(roster, env.author)) throw new RecordError('forbidden', `'${env.author}' is not an elector`)
  return env
}

export function signCertificate(net: string, cert: Certificate, key: SigningKeyPair): Uint8Array {
  return encodeEnvelope(signEnvelope({ kind: 'certificate', net, author: cert.winner, seq: cert.term, payload: cert, ttlMs: CERT_TTL_MS }, key))
}

/**
 * Verifies a certificate completely: the winner's signature, every vote's signature, all for this term and winner,
 * from distinct electors, at least a majority of the roster's electors, and the winner a candidate.
 */
export function verifyCertificate(bytes: Uint8Array, roster: Roster): Envelope<Certificate> {
  const env = verifyMember(decodeEnvelope(bytes), roster, 'certificate', certificateSchema, { allowExpired: true })
  const cert = env.payload
  if (cert.winner !== env.author) throw new RecordError('forbidden', 'a certificate must be signed by its winner')
  const winner = findMember(roster, cert.winner)
  if (winner === undefined || !winner.flags.candidate) throw new RecordError('forbidden', `'${cert.winner}' may not stand for admin`)
  const voters = new Set<string>()
  for (const b64 of cert.votes) {
    const vote = verifyVote(b64, roster)
    if (vote.payload.term !== cert.term || vote.payload.candidate !== cert.winner) throw new RecordError('forbidden', `a vote in the certificate is for another term or candidate`)
    voters.add(vote.payload.voter)
  }
  const needed = majorityOf(roster)
  if (voters.size < needed) throw new RecordError('forbidden', `certificate for term ${cert.term} has ${voters.size} distinct votes; ${needed} are needed`)
  return env
}
