// Crypto rows: age encrypt/decrypt, identity generation, Ed25519, Shamir, each beside the seeds' claim and a
// floor done natively in node:crypto in the same run (the same work age does, with no format or library overhead).
import { createCipheriv, createDecipheriv, createHmac, diffieHellman, generateKeyPairSync, hkdfSync, randomBytes, sign, verify, createPublicKey, type KeyObject } from 'node:crypto'
import * as age from 'age-encryption'
import { ageDecrypt, ageEncrypt, ageRecipientOf, generateAgeIdentity, NativeX25519Identity, NativeX25519Recipient, recipientBytes } from '../src-main/core/crypto/age.ts'
import { generateSigningKey, signBytes, verifyBytes } from '../src-main/core/crypto/signing.ts'
import { combineShares, splitSecret } from '../src-main/core/crypto/shamir.ts'
import { adminPublic, generateAdminKey, matchesAdminPublic } from '../src-main/core/crypto/admin-key.ts'
import { timeOp } from './lib/measure.ts'
import type { Row } from './lib/report.ts'

const SIZES = [
  { label: '1 KB', bytes: 1024, seedSingle: 47, seedMulti: 58, seedDecrypt: 29 },
  { label: '10 KB', bytes: 10 * 1024, seedSingle: 52, seedMulti: 67, seedDecrypt: 34 },
  { label: '100 KB', bytes: 100 * 1024, seedSingle: 285, seedMulti: 312, seedDecrypt: 198 },
  { label: '1 MB', bytes: 1024 * 1024, seedSingle: 2800, seedMulti: 3100, seedDecrypt: 1900 },
]
const SPKI = Buffer.from('302a300506032b656e032100', 'hex')
const CHUNK = 64 * 1024

/** age's work, natively: per recipient an ephemeral X25519, ECDH, HKDF and a ChaCha20-Poly1305 wrap; a header HMAC; the STREAM payload. */
function floorEncrypt(plaintext: Uint8Array, recipients: { pub: Buffer; key: KeyObject }[]): number {
  const fileKey = randomBytes(16)
  let header = 0
  for (const r of recipients) {
    const eph = generateKeyPairSync('x25519')
    const share = eph.publicKey.export({ format: 'der', type: 'spki' }).subarray(12)
    const secret = diffieHellman({ privateKey: eph.privateKey, publicKey: r.key })
    const k = Buffer.from(hkdfSync('sha256', secret, Buffer.concat([share, r.pub]), 'age-encryption.org/v1/X25519', 32))
    const c = createCipheriv('chacha20-poly1305', k, Buffer.alloc(12), { authTagLength: 16 })
    header += c.update(fileKey).length + c.final().length + c.getAuthTag().length
  }
  const macKey = Buffer.from(hkdfSync('sha256', fileKey, Buffer.alloc(0), 'header', 32))
  createHmac('sha256', macKey).update('header').digest()
  const nonce = randomBytes(16)
  const streamKey = Buffer.from(hkdfSync('sha256', fileKey, nonce, 'payload', 32))
  let out = header
  for (let off = 0, i = 0; off < plaintext.length || i === 0; off += CHUNK, i++) {
    const iv = Buffer.alloc(12)
    iv.writeUInt32BE(i, 7)
    if (off + CHUNK >= plaintext.length) iv[11] = 1
    const c = createCipheriv('chacha20-poly1305', streamKey, iv, { authTagLength: 16 })
    out += c.update(plaintext.subarray(off, off + CHUNK)).length + c.final().length + c.getAuthTag().length
  }
  return out
}

interface FloorCiphertext {
  share: Buffer
  wrapped: Buffer
  chunks: { iv: Buffer; data: Buffer; tag: Buffer }[]
}

function floorSeal(plaintext: Uint8Array, recipientPub: Buffer, recipientKey: KeyObject): FloorCiphertext {
  const fileKey = randomBytes(16)
  const eph = generateKeyPairSync('x25519')
  const share = eph.publicKey.export({ format: 'der', type: 'spki' }).subarray(12)
  const secret = diffieHellman({ privateKey: eph.privateKey, publicKey: recipientKey })
  const k = Buffer.from(hkdfSync('sha256', secret, Buffer.concat([share, recipientPub]), 'age-encryption.org/v1/X25519', 32))
  const c = createCipheriv('chacha20-poly1305', k, Buffer.alloc(12), { authTagLength: 16 })
  const wrapped = Buffer.concat([c.update(fileKey), c.final(), c.getAuthTag()])
  const streamKey = Buffer.from(hkdfSync('sha256', fileKey, Buffer.alloc(16), 'payload', 32))
  const chunks = []
  for (let off = 0, i = 0; off < plaintext.length || i === 0; off += CHUNK, i++) {
    const iv = Buffer.alloc(12)
    iv.writeUInt32BE(i, 7)
    const enc = createCipheriv('chacha20-poly1305', streamKey, iv, { authTagLength: 16 })
    const data = Buffer.concat([enc.update(plaintext.subarray(off, off + CHUNK)), enc.final()])
    chunks.push({ iv, data, tag: enc.getAuthTag() })
  }
  return { share, wrapped, chunks }
}

/** Decryption's floor: import the sender's share, ECDH, HKDF, unwrap the file key, header HMAC, STREAM payload. */
function floorOpen(ct: FloorCiphertext, priv: KeyObject, pub: Buffer): number {
  const sharePub = createPublicKey({ key: Buffer.concat([SPKI, ct.share]), format: 'der', type: 'spki' })
  const secret = diffieHellman({ privateKey: priv, publicKey: sharePub })
  const k = Buffer.from(hkdfSync('sha256', secret, Buffer.concat([ct.share, pub]), 'age-encryption.org/v1/X25519', 32))
  const d = createDecipheriv('chacha20-poly1305', k, Buffer.alloc(12), { authTagLength: 16 })
  d.setAuthTag(ct.wrapped.subarray(16))
  const fileKey = Buffer.concat([d.update(ct.wrapped.subarray(0, 16)), d.final()])
  createHmac('sha256', Buffer.from(hkdfSync('sha256', fileKey, Buffer.alloc(0), 'header', 32))).update('header').digest()
  const streamKey = Buffer.from(hkdfSync('sha256', fileKey, Buffer.alloc(16), 'payload', 32))
  let n = 0
  for (const chunk of ct.chunks) {
    const dec = createDecipheriv('chacha20-poly1305', streamKey, chunk.iv, { authTagLength: 16 })
    dec.setAuthTag(chunk.tag)
    n += dec.update(chunk.data).length + dec.final().length
  }
  return n
}

export async function cryptoRows(): Promise<Row[]> {
  const rows: Row[] = []
  const ids = Array.from({ length: 4 }, () => generateAgeIdentity())
  const recipients = ids.map((i) => new NativeX25519Recipient(ageRecipientOf(i)))
  // The floor encrypts to the very same public keys.
  const floorRecipients = ids.map((id) => {
    const pub = Buffer.from(recipientBytes(ageRecipientOf(id)))
    return { pub, key: createPublicKey({ key: Buffer.concat([SPKI, pub]), format: 'der', type: 'spki' }) }
  })
  const me = new NativeX25519Identity(ids[0]!)
  const floorMe = generateKeyPairSync('x25519')
  const floorMePub = floorMe.publicKey.export({ format: 'der', type: 'spki' }).subarray(12)

  for (const size of SIZES) {
    const pt = new Uint8Array(randomBytes(size.bytes))
    for (const n of [1, 4]) {
      const ours = await timeOp(() => ageEncrypt(pt, recipients.slice(0, n)))
      const floor = await timeOp(() => floorEncrypt(pt, floorRecipients.slice(0, n)))
      rows.push({
        suite: 'crypto',
        operation: `age encrypt ${size.label} to ${n} recipient${n > 1 ? 's' : ''}`,
        ours: ours.medianUs,
        unit: 'µs',
        seed: n === 1 ? size.seedSingle : size.seedMulti,
        seedNote: n === 1 ? undefined : 'seeds: 5 recipients',
        floor: floor.medianUs,
        floorNote: 'node:crypto, same steps',
        method: `median of 15 batches (${ours.ops} ops); age-encryption format + node:crypto X25519 stanzas`,
      })
    }
    const ct = await ageEncrypt(pt, recipients)
    const dec = await timeOp(() => ageDecrypt(ct, [me]))
    const sealed = floorSeal(pt, floorMePub, floorMe.publicKey)
    const floorDec = await timeOp(() => floorOpen(sealed, floorMe.privateKey, floorMePub))
    rows.push({ suite: 'crypto', operation: `age decrypt ${size.label}`, ours: dec.medianUs, unit: 'µs', seed: size.seedDecrypt, floor: floorDec.medianUs, floorNote: 'node:crypto, same steps', method: `median of 15 batches (${dec.ops} ops)` })
  }

  // The library's own X25519 path, for comparison: why the stanzas are computed natively.
  const pt1k = new Uint8Array(randomBytes(1024))
  const stock = await timeOp(async () => {
    const e = new age.Encrypter()
    for (const id of ids) e.addRecipient(ageRecipientOf(id))
    await e.encrypt(pt1k)
  })
  const floor4 = await timeOp(() => floorEncrypt(pt1k, floorRecipients))
  rows.push({ suite: 'crypto', operation: 'age encrypt 1 KB to 4, stock age-encryption X25519 (WebCrypto)', ours: stock.medianUs, unit: 'µs', seed: 58, seedNote: 'seeds: 5 recipients', floor: floor4.medianUs, method: 'reference only: the library path we replaced' })

  const gen = await timeOp(() => generateAgeIdentity())
  const genFloor = await timeOp(() => generateKeyPairSync('x25519'))
  rows.push({ suite: 'crypto', operation: 'age identity generation', ours: gen.medianUs, unit: 'µs', seed: 892, floor: genFloor.medianUs, floorNote: 'X25519 key pair', method: 'median of 15 batches' })

  const key = generateSigningKey()
  const msg = randomBytes(512)
  const sig = signBytes(key, msg)
  const s = await timeOp(() => signBytes(key, msg))
  const sFloor = await timeOp(() => sign(null, msg, key.privateKeyObject))
  rows.push({ suite: 'crypto', operation: 'Ed25519 sign 512 B', ours: s.medianUs, unit: 'µs', floor: sFloor.medianUs, floorNote: 'crypto.sign', method: 'median of 15 batches' })
  const v = await timeOp(() => verifyBytes(key.publicKey, msg, sig))
  const pubObj = createPublicKey(key.privateKeyObject)
  const vFloor = await timeOp(() => verify(null, msg, pubObj, sig))
  rows.push({ suite: 'crypto', operation: 'Ed25519 verify 512 B', ours: v.medianUs, unit: 'µs', floor: vFloor.medianUs, floorNote: 'crypto.verify', method: 'median of 15 batches; public key import cached' })

  const admin = generateAdminKey()
  const pub = adminPublic(admin)
  const sp = await timeOp(() => splitSecret(admin.secret))
  rows.push({ suite: 'crypto', operation: 'Shamir split 32 B into 3-of-5 (+ commitments)', ours: sp.medianUs, unit: 'µs', method: 'median of 15 batches' })
  const { shares, commitments } = await splitSecret(admin.secret)
  const cb = await timeOp(() => combineShares(shares.slice(0, 3), { commitments, verify: (x) => matchesAdminPublic(x, pub) }))
  rows.push({ suite: 'crypto', operation: 'Shamir combine 3 shares + verify against admin public key', ours: cb.medianUs, unit: 'µs', method: 'median of 15 batches; includes deriving both admin keys' })
  return rows
}
