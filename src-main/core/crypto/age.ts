// age encryption. `age-encryption` writes and reads the standard age format (header, MAC, STREAM payload);
// the X25519 recipient stanzas are computed here with node:crypto, which is ~5x faster than the library's
// WebCrypto path (it imports every key through PKCS#8 and derives a public key it does not need).
// The output is plain age: the Go `age` CLI reads it and we read what it writes (see age.interop.test.ts).
import { createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync, hkdfSync, createCipheriv, createDecipheriv, type KeyObject } from 'node:crypto'
import * as age from 'age-encryption'
import { bech32 } from '@scure/base'
import { BzzzError } from '../../../src-shared/errors.ts'
import { fingerprint } from './hash.ts'

const X25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex')
const X25519_SPKI_PREFIX = Buffer.from('302a300506032b656e032100', 'hex')
const STANZA_LABEL = Buffer.from('age-encryption.org/v1/X25519')
const ZERO_NONCE = Buffer.alloc(12)

function rawPublic(key: KeyObject): Buffer {
  return key.export({ format: 'der', type: 'spki' }).subarray(X25519_SPKI_PREFIX.length)
}

function unpaddedBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64').replace(/=+$/, '')
}

/** Decodes a recipient string (age1...) to its 32-byte X25519 public key. */
export function recipientBytes(recipient: string): Uint8Array {
  let decoded: { prefix: string; bytes: Uint8Array }
  try {
    decoded = bech32.decodeToBytes(recipient)
  } catch {
    throw new BzzzError('invalid_input', `'${recipient.slice(0, 20)}...' is not an age recipient (age1...)`)
  }
  if (decoded.prefix !== 'age' || decoded.bytes.length !== 32) {
    throw new BzzzError('invalid_input', 'not an X25519 age recipient (age1...)')
  }
  return decoded.bytes
}

/** An X25519 recipient that wraps age file keys with node:crypto. */
export class NativeX25519Recipient implements age.Recipient {
  readonly recipient: string
  private readonly publicBytes: Buffer
  private readonly publicKey: KeyObject

  constructor(recipient: string) {
    this.recipient = recipient
    this.publicBytes = Buffer.from(recipientBytes(recipient))
    this.publicKey = createPublicKey({ key: Buffer.concat([X25519_SPKI_PREFIX, this.publicBytes]), format: 'der', type: 'spki' })
  }

  wrapFileKey(fileKey: Uint8Array): age.Stanza[] {
    const ephemeral = generateKeyPairSync('x25519')
    const share = rawPublic(ephemeral.publicKey)
    const secret = diffieHellman({ privateKey: ephemeral.privateKey, publicKey: this.publicKey })
    const wrapKey = Buffer.from(hkdfSync('sha256', secret, Buffer.concat([share, this.publicBytes]), STANZA_LABEL, 32))
    const cipher = createCipheriv('chacha20-poly1305', wrapKey, ZERO_NONCE, { authTagLength: 16 })
    const body = Buffer.concat([cipher.update(fileKey), cipher.final(), cipher.getAuthTag()])
    return [new age.Stanza(['X25519', unpaddedBase64(share)], new Uint8Array(body))]
  }
}

/** An X25519 identity (AGE-SECRET-KEY-1...) that unwraps age file keys with node:crypto. */
export class NativeX25519Identity implements age.Identity {
  readonly recipient: string
  readonly keyId: string
  private readonly privateKey: KeyObject
  private readonly publicBytes: Buffer

  constructor(identity: string) {
    let decoded: { prefix: string; bytes: Uint8Array }
    try {
      decoded = bech32.decodeToBytes(identity.toLowerCase())
    } catch {
      throw new BzzzError('invalid_input', 'not an age identity (AGE-SECRET-KEY-1...)')
    }
    if (decoded.prefix !== 'age-secret-key-' || decoded.bytes.length !== 32) {
      throw new BzzzError('invalid_input', 'not an X25519 age identity (AGE-SECRET-KEY-1...)')
    }
    this.privateKey = createPrivateKey({ key: Buffer.concat([X25519_PKCS8_PREFIX, decoded.bytes]), format: 'der', type: 'pkcs8' })
    this.publicBytes = rawPublic(createPublicKey(this.privateKey))
    this.recipient = bech32.encodeFromBytes('age', this.publicBytes)
    this.keyId = recipientKeyId(this.recipient)
  }

  unwrapFileKey(stanzas: age.Stanza[]): Uint8Array | null {
    for (const s of stanzas) {
      if (s.args[0] !== 'X25519') continue
      if (s.args.length !== 2 || s.body.length !== 32) throw new BzzzError('invalid_input', 'malformed X25519 stanza')
      const share = Buffer.from(s.args[1] ?? '', 'base64')
      if (share.length !== 32 || unpaddedBase64(share) !== s.args[1]) throw new BzzzError('invalid_input', 'malformed X25519 stanza')
      let secret: Buffer
      try {
        const peer = createPublicKey({ key: Buffer.concat([X25519_SPKI_PREFIX, share]), format: 'der', type: 'spki' })
        secret = diffieHellman({ privateKey: this.privateKey, publicKey: peer })
      } catch {
        // OpenSSL refuses low-order points (an all-zero shared secret), as the age spec requires.
        throw new BzzzError('invalid_input', 'X25519 stanza with an invalid share')
      }
      const wrapKey = Buffer.from(hkdfSync('sha256', secret, Buffer.concat([share, this.publicBytes]), STANZA_LABEL, 32))
      const decipher = createDecipheriv('chacha20-poly1305', wrapKey, ZERO_NONCE, { authTagLength: 16 })
      decipher.setAuthTag(s.body.subarray(16))
      try {
        return new Uint8Array(Buffer.concat([decipher.update(s.body.subarray(0, 16)), decipher.final()]))
      } catch {
        continue // a stanza for another recipient
      }
    }
    return null
  }
}

/** A new X25519 age identity string. */
export function generateAgeIdentity(): string {
  const { privateKey } = generateKeyPairSync('x25519')
  const raw = privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(X25519_PKCS8_PREFIX.length)
  return ageIdentityFromBytes(raw)
}

/** Encodes 32 secret bytes as an age identity (X25519 clamps the scalar itself). */
export function ageIdentityFromBytes(secret: Uint8Array): string {
  if (secret.length !== 32) throw new BzzzError('invalid_input', 'an X25519 secret is 32 bytes')
  return bech32.encodeFromBytes('age-secret-key-', secret).toUpperCase()
}

export function ageRecipientOf(identity: string): string {
  return new NativeX25519Identity(identity).recipient
}

export function recipientKeyId(recipient: string): string {
  return fingerprint(recipient)
}

/** Encrypts to every recipient; returns binary age. */
export async function ageEncrypt(plaintext: Uint8Array | string, recipients: readonly (string | NativeX25519Recipient)[]): Promise<Uint8Array> {
  if (recipients.length === 0) throw new BzzzError('invalid_input', 'encrypting needs at least one recipient')
  const e = new age.Encrypter()
  for (const r of recipients) e.addRecipient(typeof r === 'string' ? new NativeX25519Recipient(r) : r)
  return e.encrypt(plaintext)
}

/**
 * Decrypts binary age with the first identity that opens it. Returns null when none of the identities is a
 * recipient; throws `invalid_input` for a malformed or tampered file.
 */
export async function ageDecrypt(ciphertext: Uint8Array, identities: readonly NativeX25519Identity[]): Promise<{ plaintext: Uint8Array; identity: NativeX25519Identity } | null> {
  let matched: NativeX25519Identity | undefined
  const d = new age.Decrypter()
  for (const identity of identities) {
    d.addIdentity({
      unwrapFileKey: (stanzas: age.Stanza[]) => {
        const key = identity.unwrapFileKey(stanzas)
        if (key !== null) matched = identity
        return key
      },
    })
  }
  try {
    const plaintext = await d.decrypt(ciphertext)
    if (matched === undefined) throw new BzzzError('internal', 'age decrypted without a matching identity')
    return { plaintext, identity: matched }
  } catch (err) {
    if (err instanceof BzzzError) throw err
    const message = err instanceof Error ? err.message : String(err)
    if (/no identity matched/i.test(message)) return null
    throw new BzzzError('invalid_input', `not a valid age file: ${message}`)
  }
}

export const armor = {
  encode: (bytes: Uint8Array): string => age.armor.encode(bytes),
  decode: (text: string): Uint8Array => {
    try {
      return age.armor.decode(text)
    } catch (err) {
      throw new BzzzError('invalid_input', `not an armored age file: ${err instanceof Error ? err.message : String(err)}`)
    }
  },
}
