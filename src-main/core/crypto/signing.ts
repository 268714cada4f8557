// Ed25519 signing keys on node:crypto. Keys travel as raw 32-byte seeds / public keys, base64-encoded.
import { createPrivateKey, createPublicKey, randomBytes, sign, verify, type KeyObject } from 'node:crypto'
import { BzzzError } from '../../../src-shared/errors.ts'
import { fingerprint } from './hash.ts'

const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex')
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex')

export interface SigningKeyPair {
  seed: Uint8Array
  publicKey: Uint8Array
  /** Fingerprint of the public key; names the key in records and logs. */
  keyId: string
  privateKeyObject: KeyObject
}

export function signingKeyFromSeed(seed: Uint8Array): SigningKeyPair {
  if (seed.length !== 32) throw new BzzzError('invalid_input', 'an Ed25519 seed is 32 bytes')
  const privateKeyObject = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' })
  const spki = createPublicKey(privateKeyObject).export({ format: 'der', type: 'spki' })
  const publicKey = new Uint8Array(spki.subarray(SPKI_PREFIX.length))
  return { seed: new Uint8Array(seed), publicKey, keyId: fingerprint(publicKey), privateKeyObject }
}

export function generateSigningKey(): SigningKeyPair {
  return signingKeyFromSeed(new Uint8Array(randomBytes(32)))
}

const publicKeyCache = new Map<string, KeyObject>()

/** Imports a raw Ed25519 public key; cached because verification is hot (every record, vote and heartbeat). */
export function publicKeyObject(publicKey: Uint8Array): KeyObject {
  if (publicKey.length !== 32) throw new BzzzError('invalid_input', 'an Ed25519 public key is 32 bytes')
  const cacheKey = Buffer.from(publicKey).toString('base64')
  let key = publicKeyCache.get(cacheKey)
  if (key === undefined) {
    key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' })
    if (publicKeyCache.size > 10_000) publicKeyCache.clear()
    publicKeyCache.set(cacheKey, key)
  }
  return key
}

export function signBytes(key: SigningKeyPair, message: Uint8Array): Uint8Array {
  return new Uint8Array(sign(null, message, key.privateKeyObject))
}

export function verifyBytes(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (signature.length !== 64) return false
  try {
    return verify(null, message, publicKeyObject(publicKey), signature)
  } catch {
    return false
  }
}

export function signingKeyId(publicKey: Uint8Array): string {
  return fingerprint(publicKey)
}
