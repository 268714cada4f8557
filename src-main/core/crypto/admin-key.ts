// The network admin key. One 32-byte master secret is what Shamir splits among custodians; from it derive the
// admin age identity (reads every decision) and the admin Ed25519 signing key (signs rosters, key envelopes,
// custody records). Both public halves identify the network, so a rebuilt secret is checked against them.
import { hkdfSync, randomBytes } from 'node:crypto'
import { BzzzError } from '../../../src-shared/errors.ts'
import { ageIdentityFromBytes, NativeX25519Identity } from './age.ts'
import { equalBytes, fromBase64, toBase64 } from './encoding.ts'
import { signingKeyFromSeed, type SigningKeyPair } from './signing.ts'

export interface AdminKey {
  secret: Uint8Array
  signing: SigningKeyPair
  age: NativeX25519Identity
  ageIdentity: string
}

export interface AdminPublic {
  /** Base64 raw Ed25519 public key. */
  signingKey: string
  /** age recipient (age1...). */
  recipient: string
}

function derive(secret: Uint8Array, info: string): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', secret, new Uint8Array(0), info, 32))
}

export function adminKeyFromSecret(secret: Uint8Array): AdminKey {
  if (secret.length !== 32) throw new BzzzError('invalid_input', 'the admin secret is 32 bytes')
  const signing = signingKeyFromSeed(derive(secret, 'bzzz/admin/ed25519/v1'))
  const ageIdentity = ageIdentityFromBytes(derive(secret, 'bzzz/admin/x25519/v1'))
  return { secret: new Uint8Array(secret), signing, age: new NativeX25519Identity(ageIdentity), ageIdentity }
}

export function generateAdminKey(): AdminKey {
  return adminKeyFromSecret(new Uint8Array(randomBytes(32)))
}

export function adminPublic(key: AdminKey): AdminPublic {
  return { signingKey: toBase64(key.signing.publicKey), recipient: key.age.recipient }
}

/** True when the secret derives exactly this public admin key (both halves). */
export function matchesAdminPublic(secret: Uint8Array, pub: AdminPublic): boolean {
  if (secret.length !== 32) return false
  const key = adminKeyFromSecret(secret)
  return equalBytes(key.signing.publicKey, fromBase64(pub.signingKey)) && key.age.recipient === pub.recipient
}
