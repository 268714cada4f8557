// The safeStorage policy and the remembered unlock, with a fake safeStorage and the real Vault.
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { createGenesis } from '../core/membership/genesis.ts'
import { Vault } from '../core/vault/vault.ts'
import { RememberUnlock, rememberUnlockSupport, type SafeStorageLike, type VaultKeyAccess } from './remember-unlock.ts'
import { SettingsService } from './settings.ts'
import { fakeSafeStorage, memoryStore } from './testing/fakes.ts'

const { vault: contents } = await createGenesis({ networkName: 'team', memberName: 'alice', peerId: '12D3KooWtest' })

async function realVault(): Promise<{ vault: Vault; access: VaultKeyAccess }> {
  const dir = await mkdtemp(join(tmpdir(), 'bzzz-remember-'))
  const vault = await Vault.create(dir, 'correct horse', contents, 10)
  vault.lock() // a new vault comes back unlocked; start from a locked one, as at start-up
  const access: VaultKeyAccess = {
    vaultState: () => (vault.unlocked ? 'unlocked' : 'locked'),
    exportKey: () => vault.exportKey(),
    unlockWithKey: async (key) => void (await vault.unlockWithKey(key)),
  }
  return { vault, access }
}

function setup(safe: SafeStorageLike, platform: NodeJS.Platform = 'linux') {
  const settings = new SettingsService(memoryStore())
  const log = vi.fn()
  return { settings, log, remember: new RememberUnlock({ safe, platform, settings, log }) }
}

describe('safeStorage policy', () => {
  it('accepts a real keyring', async () => {
    for (const backend of ['gnome_libsecret', 'kwallet', 'kwallet5', 'kwallet6']) expect(await rememberUnlockSupport(fakeSafeStorage({ backend }), 'linux')).toEqual({ ok: true })
    expect(await rememberUnlockSupport(fakeSafeStorage({ backend: 'basic_text' }), 'darwin')).toEqual({ ok: true }) // backend is Linux-only
    expect(await rememberUnlockSupport(fakeSafeStorage({ backend: 'basic_text' }), 'win32')).toEqual({ ok: true })
  })

  it("refuses Linux's plain-text backend, and an unknown one, and says why", async () => {
    const basic = await rememberUnlockSupport(fakeSafeStorage({ backend: 'basic_text' }), 'linux')
    expect(basic).toEqual({ ok: false, reason: expect.stringMatching(/no keyring.*'basic_text'.*readable by anyone who can read your files/s) })
    expect(await rememberUnlockSupport(fakeSafeStorage({ backend: 'unknown' }), 'linux')).toMatchObject({ ok: false })
  })

  it('refuses when encryption is not available (sync or async)', async () => {
    expect(await rememberUnlockSupport(fakeSafeStorage({ available: false }), 'darwin')).toEqual({ ok: false, reason: expect.stringContaining('no secure storage') })
    expect(await rememberUnlockSupport(fakeSafeStorage({ asyncAvailable: false }), 'win32')).toMatchObject({ ok: false })
  })
})

describe('remembered unlock', () => {
  it('enable is refused with the reason where the OS has no keychain, and nothing is stored', async () => {
    const safe = fakeSafeStorage({ backend: 'basic_text' })
    const { remember, settings } = setup(safe)
    const { vault, access } = await realVault()
    await vault.unlock('correct horse')
    await expect(remember.enable(access)).rejects.toMatchObject({ code: 'unavailable', message: expect.stringMatching(/^the unlock cannot be remembered: no keyring/) })
    expect(settings.get()).toMatchObject({ rememberUnlock: false })
    expect(settings.get().rememberedKey).toBeUndefined()
    expect(safe.calls).toEqual([])
  })

  it('keeps the key encrypted by safeStorage (never in clear) and unlocks with it at the next start', async () => {
    const safe = fakeSafeStorage()
    const { remember, settings } = setup(safe)
    const { vault, access } = await realVault()
    await vault.unlock('correct horse')
    const key = Buffer.from(vault.exportKey())
    await remember.enable(access)
    const stored = settings.get().rememberedKey ?? ''
    expect(stored).not.toBe('')
    expect(Buffer.from(stored, 'base64').toString()).toMatch(/^sealed:/)
    expect(stored).not.toContain(key.toString('base64'))
    vault.lock()
    expect(await remember.unlockAtStartup(access)).toBe('unlocked')
    expect(vault.contents).toEqual(contents)
  })

  it('when enabled while locked, captures the key at the next unlock', async () => {
    const { remember, settings } = setup(fakeSafeStorage())
    const { vault, access } = await realVault()
    await remember.enable(access)
    expect(settings.get()).toMatchObject({ rememberUnlock: true })
    expect(settings.get().rememberedKey).toBeUndefined()
    await vault.unlock('correct horse')
    await remember.capture(access)
    expect(settings.get().rememberedKey).toBeDefined()
  })

  it('forgets a key that no longer opens the vault (passphrase changed) or cannot be decrypted', async () => {
    const { remember, settings, log } = setup(fakeSafeStorage())
    const { vault, access } = await realVault()
    await vault.unlock('correct horse')
    await remember.enable(access)
    await vault.changePassphrase('correct horse', 'a new passphrase')
    vault.lock()
    expect(await remember.unlockAtStartup(access)).toBe('stale')
    expect(vault.unlocked).toBe(false)
    expect(settings.get()).toMatchObject({ rememberUnlock: true })
    expect(settings.get().rememberedKey).toBeUndefined()
    expect(log).toHaveBeenCalledWith('warn', expect.stringContaining('no longer opens the vault'), expect.anything())

    const broken = setup(fakeSafeStorage({ broken: true }))
    broken.settings.update({ rememberUnlock: true, rememberedKey: Buffer.from('sealed:00').toString('base64') })
    expect(await broken.remember.unlockAtStartup(access)).toBe('stale')
    expect(broken.settings.get().rememberedKey).toBeUndefined()
  })

  it('does nothing when not remembered, and does not use a key where the keychain went away', async () => {
    const { vault, access } = await realVault()
    expect(await setup(fakeSafeStorage()).remember.unlockAtStartup(access)).toBe('not-remembered')
    const gone = setup(fakeSafeStorage({ backend: 'basic_text' }))
    gone.settings.update({ rememberUnlock: true, rememberedKey: 'c2VhbGVk' })
    expect(await gone.remember.unlockAtStartup(access)).toBe('unsupported')
    expect(vault.unlocked).toBe(false)
  })

  it('disable forgets the key', async () => {
    const { remember, settings } = setup(fakeSafeStorage())
    const { vault, access } = await realVault()
    await vault.unlock('correct horse')
    await remember.enable(access)
    remember.disable()
    expect(settings.get()).toMatchObject({ rememberUnlock: false })
    expect(settings.get().rememberedKey).toBeUndefined()
  })
})
