// The vault: the member's private keys at rest, encrypted under a passphrase.
//
// File format (JSON): a header (format, version, scrypt parameters and salt, a key-check value, nonce) and the
// ChaCha20-Poly1305 ciphertext of the contents, with the header as associated data. scrypt runs on libuv's thread
// pool (crypto.scrypt), never on the event loop. The key-check value tells a wrong passphrase (check fails) from a
// tampered or truncated file (check passes, AEAD fails), so neither is ever half-read. The sealing itself lives in
// sealed-file.ts, shared with the backup archive.
import { readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'
import { BzzzError } from '../../../src-shared/errors.ts'
import { fromBase64, utf8 } from '../crypto/encoding.ts'
import { writeFileAtomic, writeFileAtomicExclusive } from '../store/atomic-file.ts'
import { failpoint } from '../failpoints.ts'
import { vaultContentsSchema, type VaultContents } from './contents.ts'
import { checkMatches, DEFAULT_SCRYPT_LOG_N, keyForHeader, newKey, openBytes, scryptLogNFromEnv, sealBytes, sealedFieldsSchema, wipeKey, type DerivedKey } from './sealed-file.ts'

export { DEFAULT_SCRYPT_LOG_N, scryptLogNFromEnv }
export const VAULT_FILE = 'vault.json'
export const MAX_VAULT_BYTES = 4 * 1024 * 1024
const CHECK_LABEL = 'bzzz-vault-check'
/** The size of an exported vault key: the 32-byte encryption key and the 32-byte key-check MAC key. */
export const EXPORTED_KEY_BYTES = 64

const fileSchema = z
  .object({ format: z.literal('bzzz-vault'), version: z.literal(1) })
  .extend(sealedFieldsSchema.shape)
  .extend({ ciphertext: z.string() })
  .strict()
type VaultFile = z.infer<typeof fileSchema>

function damaged(dir: string, why: string): BzzzError {
  return new BzzzError('invalid_input', `the vault at ${join(dir, VAULT_FILE)} is damaged (${why}); restore it from a backup with 'bzzz restore'`)
}

function seal(contents: VaultContents, key: DerivedKey): string {
  const { header, ciphertext } = sealBytes({ format: 'bzzz-vault', version: 1 } as const, utf8.encode(JSON.stringify(contents)), key, CHECK_LABEL)
  return `${JSON.stringify({ ...header, ciphertext }, null, 1)}\n`
}

/** Parses the bytes of a vault file without decrypting them; `dir` is where the file is (for messages). */
function parseVaultFile(raw: Uint8Array, dir: string): VaultFile {
  if (raw.length > MAX_VAULT_BYTES) throw damaged(dir, 'file is larger than any vault')
  let json: unknown
  try {
    json = JSON.parse(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('utf8'))
  } catch {
    throw damaged(dir, raw.length === 0 ? 'file is empty' : 'file is not complete JSON; it may be truncated')
  }
  const parsed = fileSchema.safeParse(json)
  if (!parsed.success) throw damaged(dir, `unexpected header: ${parsed.error.issues[0]?.path.join('.') ?? '?'}`)
  return parsed.data
}

/**
 * Decrypts the bytes of a vault file in memory: a wrong passphrase is `unauthenticated`, a damaged file
 * `invalid_input`, naming `dir`/vault.json. Used by `Vault.unlock` and to check a vault carried in a backup.
 */
export async function openVaultBytes(raw: Uint8Array, passphrase: string, dir: string): Promise<{ contents: VaultContents; key: DerivedKey }> {
  const file = parseVaultFile(raw, dir)
  const key = await keyForHeader(passphrase, file)
  return { contents: openWithKey(file, key, dir, 'wrong passphrase; the vault is unchanged'), key }
}

/** Decrypts a parsed vault file with a derived key; the key is wiped when it does not open the file. */
function openWithKey(file: VaultFile, key: DerivedKey, dir: string, wrongKeyMessage: string): VaultContents {
  const { ciphertext, ...header } = file
  try {
    if (!checkMatches(key, CHECK_LABEL, header.check)) throw new BzzzError('unauthenticated', wrongKeyMessage)
    const opened = openBytes(header, fromBase64(ciphertext), key)
    if (!opened.ok) throw damaged(dir, opened.why === 'truncated' ? 'ciphertext is truncated' : 'authentication failed: the file was changed or truncated')
    const contents = vaultContentsSchema.safeParse(JSON.parse(opened.plaintext.toString('utf8')))
    if (!contents.success) throw damaged(dir, 'contents do not match the vault schema')
    return contents.data
  } catch (err) {
    wipeKey(key)
    throw err
  }
}

export class Vault {
  readonly dir: string
  private key: DerivedKey | undefined
  private data: VaultContents | undefined
  private updates: Promise<unknown> = Promise.resolve()

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
    const key = await newKey(passphrase, logN)
    try {
      // Temp file, fsync, hard link: a kill leaves no vault or a whole one, never half of one.
      await writeFileAtomicExclusive(vault.path, seal(parsed, key))
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

  private async readFile(): Promise<VaultFile> {
    return parseVaultFile(await readFile(this.path), this.dir)
  }

  async unlock(passphrase: string): Promise<VaultContents> {
    const { contents, key } = await openVaultBytes(await readFile(this.path), passphrase, this.dir)
    this.key = key
    this.data = contents
    return contents
  }

  /**
   * The passphrase-derived key of the unlocked vault (EXPORTED_KEY_BYTES), for a caller that protects it itself: the
   * desktop app keeps it encrypted with the OS keychain (safeStorage) to unlock without the passphrase. A copy: the
   * caller wipes it. Never send it to a renderer or over the network.
   */
  exportKey(): Uint8Array {
    if (this.key === undefined || this.data === undefined) throw new BzzzError('locked', 'the vault is locked; unlock it before exporting its key')
    return Uint8Array.from(Buffer.concat([this.key.encKey, this.key.macKey]))
  }

  /**
   * Unlocks with a key from `exportKey()` instead of the passphrase (no scrypt). A key that no longer opens the file
   * (the passphrase was changed, the vault replaced) is `unauthenticated` and changes nothing.
   */
  async unlockWithKey(exported: Uint8Array): Promise<VaultContents> {
    if (exported.length !== EXPORTED_KEY_BYTES) throw new BzzzError('invalid_input', `a vault key is ${EXPORTED_KEY_BYTES} bytes, not ${exported.length}`)
    const file = parseVaultFile(await readFile(this.path), this.dir)
    const bytes = Buffer.from(exported) // a copy the vault owns (and wipes on lock)
    const key: DerivedKey = { encKey: bytes.subarray(0, 32), macKey: bytes.subarray(32), salt: fromBase64(file.kdf.salt), logN: file.kdf.logN }
    const contents = openWithKey(file, key, this.dir, 'the remembered vault key no longer opens this vault (was the passphrase changed?); unlock with the passphrase')
    wipeKey(this.key)
    this.key = key
    this.data = contents
    return contents
  }

  lock(): void {
    wipeKey(this.key)
    this.key = undefined
    this.data = undefined
  }

  get contents(): VaultContents {
    if (this.data === undefined) throw new BzzzError('locked', "the vault is locked; unlock it with your passphrase ('bzzz unlock' or the app)")
    return this.data
  }

  /**
   * Replaces the contents durably (same passphrase); the in-memory copy changes only after the file has. Updates run
   * one after another, each on the result of the last: two at once (a key envelope arriving while the role changes)
   * would otherwise both start from the same contents and the later write would drop the earlier one's change.
   */
  update(mutate: (current: VaultContents) => VaultContents): Promise<VaultContents> {
    const run = this.updates.then(async () => {
      const current = this.contents
      const key = this.key
      if (key === undefined) throw new BzzzError('locked', 'the vault is locked')
      const next = vaultContentsSchema.parse(mutate(structuredClone(current)))
      await writeFileAtomic(this.path, seal(next, key), 0o600, () => failpoint('vault.update.before-rename'))
      this.data = next
      return next
    })
    this.updates = run.catch(() => undefined)
    return run
  }

  async changePassphrase(current: string, next: string): Promise<void> {
    const contents = await this.unlock(current)
    const key = await newKey(next, this.key?.logN ?? DEFAULT_SCRYPT_LOG_N)
    await writeFileAtomic(this.path, seal(contents, key))
    this.key = key
  }
}
