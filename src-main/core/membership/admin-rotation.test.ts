// An admin key rotation interrupted between the vault and the roster: the vault squares itself with the roster.
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { adminKeyFromSecret, adminPublic, generateAdminKey } from '../crypto/admin-key.ts'
import { fromBase64, toBase64 } from '../crypto/encoding.ts'
import { Vault } from '../vault/vault.ts'
import { reconcileAdminRotation } from './admin-rotation.ts'
import { createGenesis } from './genesis.ts'

const { vault: contents, roster } = await createGenesis({ networkName: 'team', memberName: 'alice', peerId: '12D3KooWtest' })
const trusted = roster.payload

async function vaultMidRotation(): Promise<{ vault: Vault; next: string }> {
  const vault = await Vault.create(await mkdtemp(join(tmpdir(), 'bzzz-rotation-')), 'correct horse', contents, 12)
  const next = toBase64(generateAdminKey().secret)
  await vault.update((v) => ({ ...v, adminSecret: next, previousAdminSecret: v.adminSecret! }))
  return { vault, next }
}

describe('admin key rotation and the vault', () => {
  it('takes the old secret back when the roster never named the new key', async () => {
    const { vault } = await vaultMidRotation()
    expect(await reconcileAdminRotation(vault, trusted)).toBe(true)
    expect(vault.contents.adminSecret).toBe(contents.adminSecret)
    expect(vault.contents.previousAdminSecret).toBeUndefined()
  })

  it('drops the old secret once the roster names the new key', async () => {
    const { vault, next } = await vaultMidRotation()
    const rotated = { ...trusted, admin: { ...trusted.admin, ...adminPublic(adminKeyFromSecret(fromBase64(next))) } }
    expect(await reconcileAdminRotation(vault, rotated)).toBe(true)
    expect(vault.contents.adminSecret).toBe(next)
    expect(vault.contents.previousAdminSecret).toBeUndefined()
    expect(await reconcileAdminRotation(vault, rotated)).toBe(false) // nothing left to do
  })
})
