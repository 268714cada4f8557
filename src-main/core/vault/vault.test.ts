import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createGenesis } from '../membership/genesis.ts'
import { Vault, VAULT_FILE } from './vault.ts'

const LOG_N = 12
const { vault: contents } = await createGenesis({ networkName: 'team', memberName: 'alice', peerId: '12D3KooWtest' })

async function freshVault() {
  const dir = await mkdtemp(join(tmpdir(), 'bzzz-vault-'))
  await Vault.create(dir, 'correct horse', contents, LOG_N)
  return dir
}

describe('vault', () => {
  it('unlocks with the right passphrase and returns exactly what was stored', async () => {
    const dir = await freshVault()
    const v = await Vault.open(dir)
    expect(v.unlocked).toBe(false)
    expect(() => v.contents).toThrow(/locked/)
    expect(await v.unlock('correct horse')).toEqual(contents)
    v.lock()
    expect(() => v.contents).toThrow(/locked/)
  })

  it('says "wrong passphrase" and changes nothing', async () => {
    const dir = await freshVault()
    const before = await readFile(join(dir, VAULT_FILE))
    const v = await Vault.open(dir)
    await expect(v.unlock('battery staple')).rejects.toMatchObject({ code: 'unauthenticated', message: expect.stringContaining('wrong passphrase') })
    expect(await readFile(join(dir, VAULT_FILE))).toEqual(before)
    expect(v.unlocked).toBe(false)
  })

  it('refuses to overwrite an existing vault', async () => {
    const dir = await freshVault()
    await expect(Vault.create(dir, 'x'.repeat(10), contents, LOG_N)).rejects.toMatchObject({ code: 'conflict' })
  })

  it.each([
    ['truncated', (b: Buffer) => b.subarray(0, b.length - 40), /truncated|not complete JSON/],
    ['emptied', (_b: Buffer) => Buffer.alloc(0), /empty/],
    ['tampered ciphertext', (b: Buffer) => {
      const j = JSON.parse(b.toString())
      const c = Buffer.from(j.ciphertext, 'base64')
      c[10]! ^= 1
      return Buffer.from(JSON.stringify({ ...j, ciphertext: c.toString('base64') }))
    }, /authentication failed/],
    ['tampered header (cost lowered)', (b: Buffer) => Buffer.from(JSON.stringify({ ...JSON.parse(b.toString()), nonce: Buffer.alloc(12, 1).toString('base64') })), /authentication failed/],
    ['not a vault', (_b: Buffer) => Buffer.from('{"hello":1}'), /unexpected header/],
  ])('detects a %s file and never half-reads it', async (_name, mutate, message) => {
    const dir = await freshVault()
    const path = join(dir, VAULT_FILE)
    await writeFile(path, mutate(await readFile(path)))
    const attempt = async () => (await Vault.open(dir)).unlock('correct horse')
    await expect(attempt()).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringMatching(message) })
  })

  it('updates durably and re-reads the update after a fresh open', async () => {
    const dir = await freshVault()
    const v = await Vault.open(dir)
    await v.unlock('correct horse')
    await v.update((c) => ({ ...c, member: { ...c.member, name: 'Alice A.' } }))
    const again = await Vault.open(dir)
    expect((await again.unlock('correct horse')).member.name).toBe('Alice A.')
  })

  it('changes the passphrase', async () => {
    const dir = await freshVault()
    const v = await Vault.open(dir)
    await v.changePassphrase('correct horse', 'new passphrase!')
    await expect((await Vault.open(dir)).unlock('correct horse')).rejects.toMatchObject({ code: 'unauthenticated' })
    expect((await (await Vault.open(dir)).unlock('new passphrase!')).member.id).toBe('alice')
  })

  it('runs scrypt off the event loop: timers keep firing during an unlock at the real cost', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bzzz-vault-'))
    await Vault.create(dir, 'correct horse', contents, 16)
    const v = await Vault.open(dir)
    let ticks = 0
    const timer = setInterval(() => ticks++, 5)
    await v.unlock('correct horse')
    clearInterval(timer)
    expect(ticks).toBeGreaterThan(3)
  })
})
