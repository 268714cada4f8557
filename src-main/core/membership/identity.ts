// A member's own keys: an Ed25519 signing key and an X25519 age identity, generated on this machine.
import { generateAgeIdentity, ageRecipientOf } from '../crypto/age.ts'
import { toBase64 } from '../crypto/encoding.ts'
import { generateSigningKey, type SigningKeyPair } from '../crypto/signing.ts'

export interface MemberKeys {
  signing: SigningKeyPair
  ageIdentity: string
  ageRecipient: string
}

export function generateMemberKeys(): MemberKeys {
  const ageIdentity = generateAgeIdentity()
  return { signing: generateSigningKey(), ageIdentity, ageRecipient: ageRecipientOf(ageIdentity) }
}

export function publicSigningKey(keys: MemberKeys): string {
  return toBase64(keys.signing.publicKey)
}
