// The vault: the member's private keys at rest, encrypted under a passphrase.
//
// File format (JSON): a header (format, version, scrypt parameters and salt, a key-check value, nonce) and the
// ChaCha20-Poly1305 ciphertext of the contents, with the header as associated data. scrypt runs on libuv's thread
// pool (crypto.scrypt), never on the event loop. The key-check value tells a wrong passphrase (check fails) from a
// tampered or truncated file (check passes, AEAD fails), so neither is ever half-read.
import { createCipheriv, createDecipheriv, createHmac, randomBytes, scrypt as scryptCb } from 'node:crypto'
import { readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'
import { BzzzError } from '../../../src-shared/errors.ts'
import { canonicalJson, equalBytes, fromBase64, toBase64, utf8 } from '../crypto/encoding.ts'
import { writeFileAtomic, writeFileExclusive } from '../store/atomic-file.ts'
import { vaultContentsSchema, type VaultContents } from './contents.ts'

export const VAULT_FILE = 'vault.json'
export const DEFAULT_SCRYPT_LOG_N = 17
const MAX_VAULT_BYTES = 4 * 1024 * 1024

const headerSchema = z
  .object({
    format: z.literal('bzzz-vault'),
    version: z.literal(1),
    kdf: z.object({ name: z.literal('scrypt'), logN: z.number().int().min(10).max(22), r: z.literal(8), p: z.literal(1), salt: z.string() }).strict(),
    cipher: z.literal('chacha20-poly1305'),
    check: z.string(),
    nonce: z.string(),
  })
  .strict()
type Header = z.infer<typeof headerSchema>
const fileSchema = headerSchema.extend({ ciphertext: z.string() }).strict()

function scrypt(passphrase: string, salt: Uint8Array, logN: number): Promise<Buffer> {
  const N = 2 ** logN
  return new Promise((resolve, reject) =>
    scryptCb(passphrase.normalize('NFKC'), salt, 64, { N, r: 8, p: 1, maxmem: 256 * N * 8 + 1024 * 1024 }, (err, key) => (err ? reject(err) : resolve(key))),
  )
}

function checkValue(macKey: Uint8Array): string {
  return toBase64(createHmac('sha256', macKey).update('bzzz-vault-check').digest().subarray(0, 16))
}

function damaged(dir: string, why: string): BzzzError {
  return new BzzzError('invalid_input', `the vault at ${join(dir, VAULT_FILE)} is damaged (${why}); restore it from a backup with 'bzzz restore'`)
}

/** The scrypt cost for new vaults. Tests may lower it with BZZZ_SCRYPT_LOG_N (10..22); real vaults use the default. */
export function scryptLogNFromEnv(): number {
  const raw = process.env.BZZZ_SCRYPT_LOG_N
  if (raw === undefined || raw === '') return DEFAULT_SCRYPT_LOG_N
  const n = Number(raw)
  if (!Number.isInteger(n) || n < 10 || n > 22) throw new BzzzError('invalid_input', `BZZZ_SCRYPT_LOG_N must be an integer from 10 to 22, not '${raw}'`)
  return n
}

interface DerivedKey {
  encKey: Buffer
  macKey: Buffer
  salt: Uint8Array
  logN: number
}

async function deriveKey(passphrase: string, salt: Uint8Array, logN: number): Promise<DerivedKey> {
  const out = await scrypt(passphrase, salt, logN)
  return { encKey: out.subarray(0, 32), macKey: out.subarray(32), salt, logN }
}

function seal(contents: VaultContents, key: DerivedKey): string {
  const header: Header = {
    format: 'bzzz-vault',
    version: 1,
    kdf: { name: 'scrypt', logN: key.logN, r: 8, p: 1, salt: toBase64(key.salt) },
    cipher: 'chacha20-poly1305',
    check: checkValue(key.macKey),
    nonce: toBase64(randomBytes(12)),
  }
  const cipher = createCipheriv('chacha20-poly1305', key.encKey, fromBase64(header.nonce), { authTagLength: 16 })
  const plaintext = utf8.encode(JSON.stringify(contents))
  cipher.setAAD(utf8.encode(canonicalJson(header)), { plaintextLength: plaintext.length })
  const body = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()])
  return `${JSON.stringify({ ...header, ciphertext: toBase64(body) }, null, 1)}\n`
}

export class Vault {
  readonly dir: string
  private key: DerivedKey | undefined
  private data: VaultContents | undefined

  private constructor(dir: string) {
    this.dir = dir
  }

  get path(): string {
    return join(this.dir, VAULT_FILE)
  }

  get unlocked(): boolean {
    return this.data !== undefined
  }

  static async exists(dir: string): Promise<boolean> {
    try {
      await stat(join(dir, VAULT_FILE))
      return true
    } catch {
      return false
    }
  }

  /** Writes a new vault; refuses to replace an existing one. */
  static async create(dir: string, passphrase: string, contents: VaultContents, logN = scryptLogNFromEnv()): Promise<Vault> {
    const parsed = vaultContentsSchema.parse(contents)
    const vault = new Vault(dir)
    const key = await deriveKey(passphrase, randomBytes(32), logN)
    try {
      await writeFileExclusive(vault.path, seal(parsed, key))
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new BzzzError('conflict', `a vault already exists at ${vault.path}; refusing to overwrite it`)
      throw err
    }
    vault.key = key
    vault.data = parsed
    return vault
  }

  /** A locked handle on an existing vault. */
  static async open(dir: string): Promise<Vault> {
    if (!(await Vault.exists(dir))) throw new BzzzError('not_found', `no vault in ${dir}; create a network with 'bzzz init' or join one with 'bzzz join'`)
    const vault = new Vault(dir)
    await vault.readFile() // fail early on a damaged file
    return vault
  }

  private async readFile(): Promise<z.infer<typeof fileSchema>> {
    const raw = await readFile(this.path)
    if (raw.length > MAX_VAULT_BYTES) throw damaged(this.dir, 'file is larger than any vault')
    let json: unknown
    try {
      json = JSON.parse(raw.toString('utf8'))
    } catch {
      throw damaged(this.dir, raw.length === 0 ? 'file is empty' : 'file is not complete JSON; it may be truncated')
    }
    const parsed = fileSchema.safeParse(json)
    if (!parsed.success) throw damaged(this.dir, `unexpected header: ${parsed.error.issues[0]?.path.join('.') ?? '?'}`)
    return parsed.data
  }

  async unlock(passphrase: string): Promise<VaultContents> {
    const file = await this.readFile()
    const { ciphertext, ...header } = file
    const key = await deriveKey(passphrase, fromBase64(header.kdf.salt), header.kdf.logN)
    if (!equalBytes(utf8.encode(checkValue(key.macKey)), utf8.encode(header.check))) {
      throw new BzzzError('unauthenticated', 'wrong passphrase; the vault is unchanged')
    }
    const body = fromBase64(ciphertext)
    if (body.length < 16) throw damaged(this.dir, 'ciphertext is truncated')
    const decipher = createDecipheriv('chacha20-poly1305', key.encKey, fromBase64(header.nonce), { authTagLength: 16 })
    decipher.setAAD(utf8.encode(canonicalJson(header)), { plaintextLength: body.length - 16 })
    decipher.setAuthTag(body.subarray(body.length - 16))
    let plaintext: Buffer
    try {
      plaintext = Buffer.concat([decipher.update(body.subarray(0, body.length - 16)), decipher.final()])
    } catch {
      throw damaged(this.dir, 'authentication failed: the file was changed or truncated')
    }
    const contents = vaultContentsSchema.safeParse(JSON.parse(plaintext.toString('utf8')))
    if (!contents.success) throw damaged(this.dir, 'contents do not match the vault schema')
    this.key = key
    this.data = contents.data
    return contents.data
  }

  lock(): void {
    this.key?.encKey.fill(0)
    this.key?.macKey.fill(0)
    this.key = undefined
    this.data = undefined
  }

  get contents(): VaultContents {
    if (this.data === undefined) throw new BzzzError('locked', "the vault is locked; unlock it with your passphrase ('bzzz unlock' or the app)")
    return this.data
  }

  /** Replaces the contents durably (same passphrase); the in-memory copy changes only after the file has. */
  async update(mutate: (current: VaultContents) => VaultContents): Promise<VaultContents> {
    const current = this.contents
    const key = this.key
    if (key === undefined) throw new BzzzError('locked', 'the vault is locked')
    const next = vaultContentsSchema.parse(mutate(structuredClone(current)))
    await writeFileAtomic(this.path, seal(next, key))
    this.data = next
    return next
  }

  async changePassphrase(current: string, next: string): Promise<void> {
    const contents = await this.unlock(current)
    const key = await deriveKey(next, randomBytes(32), this.key?.logN ?? DEFAULT_SCRYPT_LOG_N)
    await writeFileAtomic(this.path, seal(contents, key))
    this.key = key
  }
}
