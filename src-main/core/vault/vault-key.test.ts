// Exporting the vault's derived key and unlocking with it (the desktop app's remembered unlock).
import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createGenesis } from '../membership/genesis.ts'
import { EXPORTED_KEY_BYTES, Vault, VAULT_FILE } from './vault.ts'

const LOG_N = 12
const { vault: contents } = await createGenesis({ networkName: 'team', memberName: 'alice', peerId: '12D3KooWtest' })

async function freshVault(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'bzzz-vault-key-'))
  await Vault.create(dir, 'correct horse', contents, LOG_N)
  return dir
}

async function exportedKey(dir: string): Promise<Uint8Array> {
  const v = await Vault.open(dir)
  await v.unlock('correct horse')
  const key = v.exportKey()
  v.lock()
  return key
}

describe('vault key export', () => {
  it('exports a 64-byte copy only while unlocked', async () => {
    const dir = await freshVault()
    const v = await Vault.open(dir)
    expect(() => v.exportKey()).toThrow(expect.objectContaining({ code: 'locked' }))
    await v.unlock('correct horse')
    const key = v.exportKey()
    expect(key).toHaveLength(EXPORTED_KEY_BYTES)
    key.fill(0) // the caller wiping its copy does not touch the vault's key
    await v.update((c) => c)
    v.lock()
    expect(() => v.exportKey()).toThrow(expect.objectContaining({ code: 'locked' }))
  })

  it('unlocks with the exported key to exactly the stored contents, and the vault stays writable', async () => {
    const dir = await freshVault()
    const key = await exportedKey(dir)
    const v = await Vault.open(dir)
    expect(await v.unlockWithKey(key)).toEqual(contents)
    await v.update((c) => ({ ...c, member: { ...c.member, name: 'alice-2' } }))
    v.lock()
    // Updates keep the same key: the remembered key still opens the file, and so does the passphrase.
    expect((await v.unlockWithKey(key)).member.name).toBe('alice-2')
    v.lock()
    expect((await v.unlock('correct horse')).member.name).toBe('alice-2')
  })

  it('refuses a wrong or stale key as unauthenticated and changes nothing', async () => {
    const dir = await freshVault()
    const key = await exportedKey(dir)
    const before = await readFile(join(dir, VAULT_FILE))
    const v = await Vault.open(dir)
    // The key-check half (bytes 32..63) decides "wrong key"; a bad encryption half fails the AEAD: refused either way.
    const wrongCheck = Uint8Array.from(key)
    wrongCheck[40] = (wrongCheck[40] ?? 0) ^ 1
    await expect(v.unlockWithKey(wrongCheck)).rejects.toMatchObject({ code: 'unauthenticated' })
    const wrongEnc = Uint8Array.from(key)
    wrongEnc[0] = (wrongEnc[0] ?? 0) ^ 1
    await expect(v.unlockWithKey(wrongEnc)).rejects.toBeDefined()
    expect(v.unlocked).toBe(false)
    expect(await readFile(join(dir, VAULT_FILE))).toEqual(before)
    // After a passphrase change the old key is stale.
    await v.changePassphrase('correct horse', 'new passphrase')
    v.lock()
    await expect(v.unlockWithKey(key)).rejects.toMatchObject({ code: 'unauthenticated', message: expect.stringContaining('was the passphrase changed') })
    expect(v.unlocked).toBe(false)
  })

  it('refuses a key of the wrong size', async () => {
    const v = await Vault.open(await freshVault())
    await expect(v.unlockWithKey(new Uint8Array(32))).rejects.toMatchObject({ code: 'invalid_input' })
  })

  it('still names a damaged file as damaged, not as a wrong key', async () => {
    const dir = await freshVault()
    const key = await exportedKey(dir)
    const file = JSON.parse(await readFile(join(dir, VAULT_FILE), 'utf8')) as { ciphertext: string }
    const bytes = Buffer.from(file.ciphertext, 'base64')
    bytes[0] = (bytes[0] ?? 0) ^ 0xff
    await writeFile(join(dir, VAULT_FILE), JSON.stringify({ ...file, ciphertext: bytes.toString('base64') }))
    const v = await Vault.open(dir)
    await expect(v.unlockWithKey(key)).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringContaining('damaged') })
  })
})
