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
    /** The election term of the admin that issued this roster (0 for the founding admin); older terms are refused. */
    adminTerm: z.number().int().nonnegative(),
    admin: z.object({ signingKey: z.string(), recipient: z.string(), keyId: z.string(), createdAt: z.number().int().optional() }).strict(),
    /** Admin key rotations, each signed by the key it replaces: the path from any earlier admin key to this one. */
    adminChain: z.array(z.string()).max(512).optional(),
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

export const adminRotationSchema = z.object({ from: z.string(), to: z.string(), toRecipient: z.string(), at: z.number().int() }).strict()
export type AdminRotation = z.infer<typeof adminRotationSchema>

/**
 * Follows the rotation chain from a trusted admin key to `target`: each link must be signed by the key it replaces.
 * Links before the trusted key are skipped (a member that joined later trusts a later key).
 */
export function followAdminChain(chain: readonly string[], net: string, trusted: string, target: string): boolean {
  let current = trusted
  for (const b64 of chain) {
    if (current === target) break
    let link: Envelope
    try {
      link = decodeEnvelope(fromBase64(b64))
    } catch {
      return false
    }
    const payload = adminRotationSchema.safeParse(link.payload)
    if (!payload.success || payload.data.from !== current) continue
    const key = fromBase64(current)
    try {
      verifyEnvelope(link, { net, kinds: ['admin_rotation'], allowExpired: true, resolveKey: (a, k) => (a === ADMIN_AUTHOR && k === signingKeyId(key) ? key : undefined) })
    } catch {
      return false
    }
    current = payload.data.to
  }
  return current === target
}

/**
 * Verifies a roster against the network's admin public key (the trust anchor every member got with its invite), or
 * against a later admin key the rotation chain leads to. The payload must agree with the envelope.
 */
export function verifyRoster(env: Envelope, trust: { networkId: string; adminSigningKey: string }): Envelope<Roster> {
  if (env.kind !== 'roster') throw new RecordError('unknown_kind', `expected a roster record, got '${env.kind}'`)
  const parsed = rosterSchema.safeParse(env.payload)
  if (!parsed.success) throw new RecordError('malformed', `roster payload is malformed: ${parsed.error.issues[0]?.message ?? ''}`)
  const signer = parsed.data.admin.signingKey
  if (signer !== trust.adminSigningKey && !followAdminChain(parsed.data.adminChain ?? [], trust.networkId, trust.adminSigningKey, signer)) {
    throw new RecordError('unknown_signer', 'the roster is signed by an admin key that no rotation from the trusted key leads to')
  }
  const adminKey = fromBase64(signer)
  const verified = verifyEnvelope(env, {
    net: trust.networkId,
    kinds: ['roster'],
    resolveKey: (author, keyId) => (author === ADMIN_AUTHOR && keyId === signingKeyId(adminKey) ? adminKey : undefined),
  })
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
