// Passphrase-sealed files: the primitives the vault and the backup archive share.
//
// scrypt (on libuv's thread pool, never on the event loop) derives 64 bytes from the passphrase and a random salt:
// a 32-byte ChaCha20-Poly1305 key and a key-check MAC key. The header (format, version, whatever the caller puts
// in clear, the scrypt parameters, the key-check value and the nonce) is the AEAD's associated data, in canonical
// JSON, so no header field can be changed without the file failing to open. The key-check value tells a wrong
// passphrase (check fails) from a damaged file (check passes, AEAD fails).
import { createCipheriv, createDecipheriv, createHmac, randomBytes, scrypt as scryptCb } from 'node:crypto'
import { z } from 'zod'
import { BzzzError } from '../../../src-shared/errors.ts'
import { canonicalJson, equalBytes, fromBase64, toBase64, utf8 } from '../crypto/encoding.ts'

export const DEFAULT_SCRYPT_LOG_N = 17
const TAG_BYTES = 16

export const kdfSchema = z.object({ name: z.literal('scrypt'), logN: z.number().int().min(10).max(22), r: z.literal(8), p: z.literal(1), salt: z.string() }).strict()
export type KdfParams = z.infer<typeof kdfSchema>

/** The header fields every sealed file ends with, after the caller's own leading fields. */
export const sealedFieldsSchema = z.object({ kdf: kdfSchema, cipher: z.literal('chacha20-poly1305'), check: z.string(), nonce: z.string() }).strict()
export type SealedFields = z.infer<typeof sealedFieldsSchema>

export interface DerivedKey {
  encKey: Buffer
  macKey: Buffer
  salt: Uint8Array
  logN: number
}

/** The scrypt cost for new sealed files. Tests may lower it with BZZZ_SCRYPT_LOG_N (10..22); real files use the default. */
export function scryptLogNFromEnv(): number {
  const raw = process.env.BZZZ_SCRYPT_LOG_N
  if (raw === undefined || raw === '') return DEFAULT_SCRYPT_LOG_N
  const n = Number(raw)
  if (!Number.isInteger(n) || n < 10 || n > 22) throw new BzzzError('invalid_input', `BZZZ_SCRYPT_LOG_N must be an integer from 10 to 22, not '${raw}'`)
  return n
}

function scrypt(passphrase: string, salt: Uint8Array, logN: number): Promise<Buffer> {
  const N = 2 ** logN
  return new Promise((resolve, reject) =>
    scryptCb(passphrase.normalize('NFKC'), salt, 64, { N, r: 8, p: 1, maxmem: 256 * N * 8 + 1024 * 1024 }, (err, key) => (err ? reject(err) : resolve(key))),
  )
}

export async function deriveKey(passphrase: string, salt: Uint8Array, logN: number): Promise<DerivedKey> {
  const out = await scrypt(passphrase, salt, logN)
  return { encKey: out.subarray(0, 32), macKey: out.subarray(32), salt, logN }
}

/** A key for a new file: a fresh salt at the given cost. */
export function newKey(passphrase: string, logN = scryptLogNFromEnv()): Promise<DerivedKey> {
  return deriveKey(passphrase, randomBytes(32), logN)
}

/** The key derived from the passphrase and the parameters in an existing file's header. */
export function keyForHeader(passphrase: string, header: SealedFields): Promise<DerivedKey> {
  return deriveKey(passphrase, fromBase64(header.kdf.salt), header.kdf.logN)
}

export function wipeKey(key: DerivedKey | undefined): void {
  key?.encKey.fill(0)
  key?.macKey.fill(0)
}

/** `label` separates the check values of different file kinds ('bzzz-vault-check', 'bzzz-backup-check'). */
function checkValue(macKey: Uint8Array, label: string): string {
  return toBase64(createHmac('sha256', macKey).update(label).digest().subarray(0, 16))
}

/** True when the key (so the passphrase) is the one the file was sealed with. Constant time. */
export function checkMatches(key: DerivedKey, label: string, check: string): boolean {
  return equalBytes(utf8.encode(checkValue(key.macKey, label)), utf8.encode(check))
}

/**
 * Seals `plaintext`: returns the complete header (the caller's leading fields, then kdf, cipher, check, nonce) and
 * the base64 ciphertext with its tag. The whole header is the associated data.
 */
export function sealBytes<L extends object>(lead: L, plaintext: Uint8Array, key: DerivedKey, label: string): { header: L & SealedFields; ciphertext: string } {
  const header = {
    ...lead,
    kdf: { name: 'scrypt', logN: key.logN, r: 8, p: 1, salt: toBase64(key.salt) },
    cipher: 'chacha20-poly1305',
    check: checkValue(key.macKey, label),
    nonce: toBase64(randomBytes(12)),
  } as L & SealedFields
  const cipher = createCipheriv('chacha20-poly1305', key.encKey, fromBase64(header.nonce), { authTagLength: TAG_BYTES })
  cipher.setAAD(utf8.encode(canonicalJson(header)), { plaintextLength: plaintext.length })
  const body = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()])
  return { header, ciphertext: toBase64(body) }
}

export type OpenResult = { ok: true; plaintext: Buffer } | { ok: false; why: 'truncated' | 'unauthentic' }

/**
 * Opens a ciphertext sealed under `header` (which must be exactly the header that was sealed, leading fields
 * included). The caller checks the passphrase with `checkMatches` first; a failure here means a damaged file.
 */
export function openBytes(header: SealedFields, body: Uint8Array, key: DerivedKey): OpenResult {
  if (body.length < TAG_BYTES) return { ok: false, why: 'truncated' }
  const nonce = fromBase64(header.nonce)
  if (nonce.length !== 12) return { ok: false, why: 'unauthentic' }
  const decipher = createDecipheriv('chacha20-poly1305', key.encKey, nonce, { authTagLength: TAG_BYTES })
  decipher.setAAD(utf8.encode(canonicalJson(header)), { plaintextLength: body.length - TAG_BYTES })
  decipher.setAuthTag(body.subarray(body.length - TAG_BYTES))
  try {
    return { ok: true, plaintext: Buffer.concat([decipher.update(body.subarray(0, body.length - TAG_BYTES)), decipher.final()]) }
  } catch {
    return { ok: false, why: 'unauthentic' }
  }
}
