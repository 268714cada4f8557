// "Remember the unlock on this computer": the vault's passphrase-derived key, encrypted by Electron's safeStorage
// (macOS Keychain, Windows DPAPI, Linux Secret Service / KWallet), kept in the desktop settings, used at start-up to
// unlock without the passphrase. Plain TypeScript around a SafeStorage-shaped object (a fake in tests).
//
// Refused where safeStorage would not really protect it: when encryption is unavailable, and on Linux when Electron
// selected its 'basic_text' backend (no keyring found: the key would be "encrypted" with a password hard-coded in
// Chromium, i.e. readable by anyone who can read the settings file). The key never reaches the renderer.
import { BzzzError, isBzzzError } from '../../src-shared/errors.ts'
import type { SettingsService } from './settings.ts'

/** The part of Electron's `safeStorage` used here. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean
  isAsyncEncryptionAvailable?(): Promise<boolean>
  /** Linux only. */
  getSelectedStorageBackend?(): string
  encryptStringAsync(plainText: string): Promise<Buffer>
  decryptStringAsync(encrypted: Buffer): Promise<{ result: string; shouldReEncrypt: boolean }>
}

export type Support = { ok: true } | { ok: false; reason: string }

const PLAIN_TEXT_BACKENDS = new Set(['basic_text', 'unknown'])

/** Whether remembering the unlock is safe here, and if not, why (in words for the user). */
export async function rememberUnlockSupport(safe: SafeStorageLike, platform: NodeJS.Platform): Promise<Support> {
  let available = safe.isEncryptionAvailable()
  if (available && safe.isAsyncEncryptionAvailable !== undefined) available = await safe.isAsyncEncryptionAvailable()
  if (!available) {
    return { ok: false, reason: 'this computer offers no secure storage (OS keychain) to the app, so the vault cannot be unlocked without your passphrase' }
  }
  if (platform === 'linux') {
    const backend = safe.getSelectedStorageBackend?.() ?? 'unknown'
    if (PLAIN_TEXT_BACKENDS.has(backend)) {
      return {
        ok: false,
        reason:
          'no keyring (GNOME Keyring, KWallet or another Secret Service) is running in this desktop session; without one, ' +
          "the key would be stored under a password built into Electron ('basic_text'), readable by anyone who can read your files. " +
          'Start a keyring and restart BZZZ to use this',
      }
    }
  }
  return { ok: true }
}

/** The vault operations this needs, on the Peer (never the key itself in the other direction). */
export interface VaultKeyAccess {
  vaultState(): 'absent' | 'locked' | 'unlocked'
  /** The unlocked vault's key (a copy the caller wipes). */
  exportKey(): Uint8Array
  unlockWithKey(key: Uint8Array): Promise<void>
}

export type StartupUnlock = 'unlocked' | 'not-remembered' | 'unsupported' | 'stale' | 'failed'

export class RememberUnlock {
  private readonly safe: SafeStorageLike
  private readonly platform: NodeJS.Platform
  private readonly settings: SettingsService
  private readonly log: (level: 'info' | 'warn', message: string, fields?: Record<string, unknown>) => void
  private supportCache: Promise<Support> | undefined

  constructor(opts: { safe: SafeStorageLike; platform: NodeJS.Platform; settings: SettingsService; log: RememberUnlock['log'] }) {
    this.safe = opts.safe
    this.platform = opts.platform
    this.settings = opts.settings
    this.log = opts.log
  }

  support(): Promise<Support> {
    this.supportCache ??= rememberUnlockSupport(this.safe, this.platform)
    return this.supportCache
  }

  /** Turns it on (refused with the reason where unsafe); the key is captured now when unlocked, else at the next unlock. */
  async enable(vault: VaultKeyAccess): Promise<void> {
    const support = await this.support()
    if (!support.ok) throw new BzzzError('unavailable', `the unlock cannot be remembered: ${support.reason}`)
    this.settings.update({ rememberUnlock: true })
    await this.capture(vault)
  }

  /** Turns it off and forgets the key. */
  disable(): void {
    this.settings.update({ rememberUnlock: false, rememberedKey: undefined })
  }

  /** After an unlock (the vault is open): keeps its key when remembering is on and no key is kept yet. */
  async capture(vault: VaultKeyAccess): Promise<void> {
    const s = this.settings.get()
    if (!s.rememberUnlock || s.rememberedKey !== undefined || vault.vaultState() !== 'unlocked') return
    if (!(await this.support()).ok) return
    const key = vault.exportKey()
    try {
      const encrypted = await this.safe.encryptStringAsync(Buffer.from(key).toString('base64'))
      this.settings.update({ rememberedKey: encrypted.toString('base64') })
      this.log('info', 'the vault unlock is remembered with the OS keychain')
    } finally {
      key.fill(0)
    }
  }

  /**
   * At start-up: unlocks with the remembered key. A key that no longer opens the vault (passphrase changed, vault
   * restored) or cannot be decrypted any more is forgotten; the member then unlocks with the passphrase, and the new
   * key is captured again.
   */
  async unlockAtStartup(vault: VaultKeyAccess): Promise<StartupUnlock> {
    const s = this.settings.get()
    if (!s.rememberUnlock || s.rememberedKey === undefined || vault.vaultState() !== 'locked') return 'not-remembered'
    const support = await this.support()
    if (!support.ok) {
      this.log('warn', 'a remembered unlock is not used: the OS keychain is not available', { reason: support.reason })
      return 'unsupported'
    }
    let key: Uint8Array
    try {
      const { result } = await this.safe.decryptStringAsync(Buffer.from(s.rememberedKey, 'base64'))
      key = Uint8Array.from(Buffer.from(result, 'base64'))
    } catch {
      this.log('warn', 'the remembered unlock could not be decrypted by the OS keychain; it is forgotten')
      this.settings.update({ rememberedKey: undefined })
      return 'stale'
    }
    try {
      await vault.unlockWithKey(key)
      return 'unlocked'
    } catch (err) {
      if (isBzzzError(err, 'unauthenticated') || isBzzzError(err, 'invalid_input')) {
        this.log('warn', 'the remembered unlock no longer opens the vault; it is forgotten', { reason: err.message })
        this.settings.update({ rememberedKey: undefined })
        return 'stale'
      }
      this.log('warn', 'the remembered unlock failed', { reason: err instanceof Error ? err.message : String(err) })
      return 'failed'
    } finally {
      key.fill(0)
    }
  }
}
