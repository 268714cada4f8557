// The admin keyring: every role key, current and retired, sealed to the admin age key and signed with the admin
// signing key. It is how the admin seat carries its role keys: whoever rebuilds the admin key from the custodians'
// shares opens the keyring and can invite, rotate and hand out keys like the admin before it.
import { ageDecrypt, ageEncrypt, type NativeX25519Identity } from '../crypto/age.ts'
import { fromBase64, toBase64, utf8 } from '../crypto/encoding.ts'
import { encodeEnvelope, signEnvelope, type Envelope } from '../crypto/envelope.ts'
import type { SigningKeyPair } from '../crypto/signing.ts'
import { keyringKey } from '../records/keys.ts'
import type { KeyringPayload } from '../records/schemas.ts'
import type { VaultRoleKey } from '../vault/contents.ts'
import { BzzzError } from '../../../src-shared/errors.ts'

const KEYRING_TTL_MS = 100 * 365 * 24 * 3600 * 1000

export async function buildKeyring(opts: { net: string; seq: number; roleKeys: VaultRoleKey[]; adminRecipient: string; adminSigning: SigningKeyPair }): Promise<{ key: string; bytes: Uint8Array; envelope: Envelope<KeyringPayload> }> {
  // Retired admin identities travel too, so admin-only content sealed before a rotation stays readable.
  const keys = await Promise.all(
    opts.roleKeys
      .filter((k) => k.role !== 'admin' || k.retiredAt !== undefined)
      .map(async (k) => ({ role: k.role, keyId: k.keyId, createdAt: k.createdAt, retired: k.retiredAt !== undefined, sealed: toBase64(await ageEncrypt(k.identity, [opts.adminRecipient])) })),
  )
  const envelope = signEnvelope<KeyringPayload>({ kind: 'keyring', net: opts.net, author: 'admin', seq: opts.seq, payload: { keys }, ttlMs: KEYRING_TTL_MS }, opts.adminSigning)
  return { key: keyringKey(opts.net), bytes: encodeEnvelope(envelope), envelope }
}

/** Opens every role key of a verified keyring with the admin age identity. */
export async function openKeyring(keyring: KeyringPayload, adminAge: NativeX25519Identity): Promise<VaultRoleKey[]> {
  const now = Date.now()
  return Promise.all(
    keyring.keys.map(async (k) => {
      const opened = await ageDecrypt(fromBase64(k.sealed), [adminAge])
      if (opened === null) throw new BzzzError('internal', `keyring entry ${k.keyId} does not open with the admin key`)
      return { role: k.role, keyId: k.keyId, identity: utf8.decode(opened.plaintext), createdAt: k.createdAt, ...(k.retired ? { retiredAt: now } : {}) }
    }),
  )
}
