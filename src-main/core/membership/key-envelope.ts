// A member's key envelope: every key of its role (current and retired) and, for a custodian, its share, each sealed
// to the member's own age key, signed with the admin key.
import type { Member } from '../../../src-shared/network.ts'
import { ageEncrypt } from '../crypto/age.ts'
import { toBase64 } from '../crypto/encoding.ts'
import { signEnvelope, type Envelope } from '../crypto/envelope.ts'
import { decodeShare } from '../crypto/shamir.ts'
import type { SigningKeyPair } from '../crypto/signing.ts'
import type { KeyEnvelopePayload } from '../records/schemas.ts'
import type { VaultContents } from '../vault/contents.ts'
import type { Roster } from './roster.ts'

const KEY_ENVELOPE_TTL_MS = 100 * 365 * 24 * 3600 * 1000

export async function buildKeyEnvelope(
  member: Member,
  roster: Roster,
  vault: VaultContents,
  adminSigning: SigningKeyPair,
  share?: { epoch: number; index: number; share: string },
): Promise<Envelope<KeyEnvelopePayload>> {
  const keys = await Promise.all(
    vault.roleKeys
      .filter((k) => k.role === member.role)
      .map(async (k) => ({ role: k.role, keyId: k.keyId, createdAt: k.createdAt, retired: k.retiredAt !== undefined, sealed: toBase64(await ageEncrypt(k.identity, [member.ageRecipient])) })),
  )
  const payload: KeyEnvelopePayload = { member: member.id, keys }
  if (share !== undefined) {
    decodeShare(share.share) // never hand out something that is not a share
    payload.share = { epoch: share.epoch, index: share.index, sealed: toBase64(await ageEncrypt(share.share, [member.ageRecipient])) }
  }
  return signEnvelope({ kind: 'key_envelope', net: roster.network.id, author: 'admin', seq: roster.seq, payload, ttlMs: KEY_ENVELOPE_TTL_MS }, adminSigning)
}
