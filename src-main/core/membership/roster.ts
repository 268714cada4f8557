// The roster: the admin-signed state of the network. Members with their role, keys and flags; the current role
// public keys; the custody list with a commitment per share; used invites. A higher sequence number wins.
import { z } from 'zod'
import { BzzzError } from '../../../src-shared/errors.ts'
import { memberSchema, type Member } from '../../../src-shared/network.ts'
import { ROLES, recipientRoles, type Role } from '../../../src-shared/roles.ts'
import { fromBase64 } from '../crypto/encoding.ts'
import { decodeEnvelope, encodeEnvelope, RecordError, signEnvelope, verifyEnvelope, type Envelope } from '../crypto/envelope.ts'
import { signingKeyId, type SigningKeyPair } from '../crypto/signing.ts'

/** Records signed by the network admin key carry this author. */
export const ADMIN_AUTHOR = 'admin'
const ROSTER_TTL_MS = 10 * 365 * 24 * 3600 * 1000

export const roleKeyPublicSchema = z.object({ keyId: z.string(), recipient: z.string().startsWith('age1') }).strict()

export const custodianSlotSchema = z
  .object({
    index: z.number().int().min(1).max(5),
    /** The member holding this share, or null while the admin keeps it for a custodian yet to join. */
    memberId: z.string().nullable(),
    /** SHA-256 of the share: a bad share is named by its mismatch. */
    digest: z.string().regex(/^[0-9a-f]{64}$/),
  })
  .strict()

export const rosterSchema = z
  .object({
    network: z.object({ id: z.string(), name: z.string() }).strict(),
    seq: z.number().int().positive(),
    admin: z.object({ signingKey: z.string(), recipient: z.string(), keyId: z.string() }).strict(),
    roleKeys: z.object({ observer: roleKeyPublicSchema, backend_dev: roleKeyPublicSchema, architect: roleKeyPublicSchema }).strict(),
    members: z.array(memberSchema),
    custody: z.object({ epoch: z.number().int().positive(), threshold: z.number().int().min(2), slots: z.array(custodianSlotSchema).length(5) }).strict(),
    usedInvites: z.array(z.string()),
    removed: z.array(z.string()),
    /** Peer ids of removed members: refused by every gate, even the admin's (which admits unknown joiners). */
    revokedPeers: z.array(z.string()),
  })
  .strict()
export type Roster = z.infer<typeof rosterSchema>

export type NonAdminRole = Exclude<Role, 'admin'>

export function signRoster(roster: Roster, adminSigning: SigningKeyPair): Envelope<Roster> {
  const parsed = rosterSchema.parse(roster)
  return signEnvelope({ kind: 'roster', net: parsed.network.id, author: ADMIN_AUTHOR, seq: parsed.seq, payload: parsed, ttlMs: ROSTER_TTL_MS }, adminSigning)
}

/**
 * Verifies a roster against the network's admin public key (the trust anchor every member got with its invite).
 * The payload must agree with the envelope on network and sequence.
 */
export function verifyRoster(env: Envelope, trust: { networkId: string; adminSigningKey: string }): Envelope<Roster> {
  const adminKey = fromBase64(trust.adminSigningKey)
  const verified = verifyEnvelope(env, {
    net: trust.networkId,
    kinds: ['roster'],
    resolveKey: (author, keyId) => (author === ADMIN_AUTHOR && keyId === signingKeyId(adminKey) ? adminKey : undefined),
  })
  const parsed = rosterSchema.safeParse(verified.payload)
  if (!parsed.success) throw new RecordError('malformed', `roster payload is malformed: ${parsed.error.issues[0]?.message ?? ''}`)
  if (parsed.data.seq !== env.seq || parsed.data.network.id !== env.net) throw new RecordError('malformed', 'roster payload disagrees with its envelope')
  return { ...verified, payload: parsed.data }
}

export function decodeRoster(bytes: Uint8Array, trust: { networkId: string; adminSigningKey: string }): Envelope<Roster> {
  return verifyRoster(decodeEnvelope(bytes), trust)
}

export function encodeRoster(env: Envelope<Roster>): Uint8Array {
  return encodeEnvelope(env)
}

export function findMember(roster: Roster, id: string): Member | undefined {
  return roster.members.find((m) => m.id === id)
}

export function memberByPeerId(roster: Roster, peerId: string): Member | undefined {
  return roster.members.find((m) => m.peerIds.includes(peerId))
}

export function requireMember(roster: Roster, id: string): Member {
  const m = findMember(roster, id)
  if (m === undefined) throw new BzzzError('not_found', `'${id}' is not a member of ${roster.network.name}`)
  return m
}

/** The age recipients a decision for `audience` is encrypted to: that role, every role above it, and the admin. */
export function recipientsFor(roster: Roster, audience: Role): { role: Role; recipient: string }[] {
  return recipientRoles(audience).map((role) => ({ role, recipient: role === 'admin' ? roster.admin.recipient : roster.roleKeys[role as NonAdminRole].recipient }))
}

/**
 * Resolves an author's signing key for records members sign themselves (decisions, votes, share releases...).
 * A member's key is returned even when the envelope names another key id: a record claiming to be from a member
 * but signed with some other key is a forgery (bad_signature, rejected), not an unknown signer (ignored while the
 * roster may be behind).
 */
export function memberSigningKey(roster: Roster, author: string, _keyId: string): Uint8Array | undefined {
  const member = findMember(roster, author)
  return member === undefined ? undefined : fromBase64(member.signingKey)
}

export const NON_ADMIN_ROLES = ROLES.filter((r): r is NonAdminRole => r !== 'admin')
