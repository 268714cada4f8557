// Invite codes: one-time, admin-signed, carrying everything a new member needs to find and trust the network
// (network id and name, the admin public key, bootstrap addresses), the role and an expiry.
import { randomBytes } from 'node:crypto'
import { z } from 'zod'
import { BzzzError } from '../../../src-shared/errors.ts'
import { roleSchema } from '../../../src-shared/decisions.ts'
import { fromBase64, fromBase64Url, toBase64Url } from '../crypto/encoding.ts'
import { decodeEnvelope, encodeEnvelope, RecordError, signEnvelope, verifyEnvelope, type Envelope } from '../crypto/envelope.ts'
import { signingKeyId, type SigningKeyPair } from '../crypto/signing.ts'
import { ADMIN_AUTHOR } from './roster.ts'

export const INVITE_PREFIX = 'bzzz-invite:'
const MAX_INVITE_CHARS = 8192

export const invitePayloadSchema = z
  .object({
    id: z.string().regex(/^[0-9a-f]{32}$/),
    role: roleSchema.exclude(['admin']),
    network: z.object({ id: z.string(), name: z.string() }).strict(),
    adminSigningKey: z.string(),
    bootstrap: z.array(z.string()).min(1).max(16),
    expiresAt: z.number().int(),
  })
  .strict()
export type InvitePayload = z.infer<typeof invitePayloadSchema>

export function createInvite(opts: { role: InvitePayload['role']; network: { id: string; name: string }; bootstrap: string[]; ttlSeconds: number; adminSigning: SigningKeyPair; adminSigningKey: string; now?: number }): { code: string; payload: InvitePayload } {
  const now = opts.now ?? Date.now()
  if (opts.bootstrap.length === 0) throw new BzzzError('unavailable', 'this peer has no address to put in the invite; start the peer first')
  const payload: InvitePayload = {
    id: randomBytes(16).toString('hex'),
    role: opts.role,
    network: opts.network,
    adminSigningKey: opts.adminSigningKey,
    bootstrap: opts.bootstrap.slice(0, 16),
    expiresAt: now + opts.ttlSeconds * 1000,
  }
  const env = signEnvelope({ kind: 'invite', net: opts.network.id, author: ADMIN_AUTHOR, seq: 0, payload, ttlMs: opts.ttlSeconds * 1000, now }, opts.adminSigning)
  return { code: INVITE_PREFIX + toBase64Url(encodeEnvelope(env)), payload }
}

/**
 * Decodes and verifies an invite against the admin key it carries (the code itself is what the admin handed over).
 * The admin peer checks it again, against its own key and the used-invite list, when the joiner presents it.
 */
export function decodeInvite(code: string, now = Date.now()): { payload: InvitePayload; envelope: Envelope<InvitePayload> } {
  const text = code.trim()
  if (!text.startsWith(INVITE_PREFIX)) throw new BzzzError('invalid_input', `not an invite code (it should start with '${INVITE_PREFIX}')`)
  if (text.length > MAX_INVITE_CHARS) throw new BzzzError('invalid_input', 'the invite code is too long to be one of ours')
  let env: Envelope
  try {
    env = decodeEnvelope(fromBase64Url(text.slice(INVITE_PREFIX.length), 'invite code'))
  } catch {
    throw new BzzzError('invalid_input', 'the invite code is damaged (copy it again, whole)')
  }
  const parsed = invitePayloadSchema.safeParse(env.payload)
  if (env.kind !== 'invite' || !parsed.success) throw new BzzzError('invalid_input', 'the invite code is damaged (copy it again, whole)')
  let adminKey: Uint8Array
  try {
    adminKey = fromBase64(parsed.data.adminSigningKey)
  } catch {
    // Was fromBase64's own 'value is not valid base64', which did not say it was about the invite (found by fuzzing).
    throw new BzzzError('invalid_input', 'the invite code is forged or damaged: its admin key is not base64')
  }
  try {
    verifyEnvelope(env, { net: parsed.data.network.id, kinds: ['invite'], now, resolveKey: (author, keyId) => (author === ADMIN_AUTHOR && keyId === signingKeyId(adminKey) ? adminKey : undefined) })
  } catch (err) {
    if (err instanceof RecordError && err.reason === 'expired') throw new BzzzError('invalid_input', `the invite expired ${new Date(parsed.data.expiresAt).toISOString()}; ask your admin for a new one`)
    throw new BzzzError('invalid_input', 'the invite code is forged or damaged: its signature does not verify')
  }
  if (parsed.data.expiresAt < now) throw new BzzzError('invalid_input', `the invite expired ${new Date(parsed.data.expiresAt).toISOString()}; ask your admin for a new one`)
  return { payload: parsed.data, envelope: { ...env, payload: parsed.data } }
}
