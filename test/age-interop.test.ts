// Proves that what we write is standard age and that we read what the reference Go implementation writes.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ageDecrypt, ageEncrypt, ageRecipientOf, armor, generateAgeIdentity, NativeX25519Identity } from '../src-main/core/crypto/age.ts'
import { requireTool } from './helpers/tools.ts'

const haveAge = requireTool('age')
const dir = mkdtempSync(join(tmpdir(), 'bzzz-age-'))

function identityFile(identity: string): string {
  const path = join(dir, `${Math.random().toString(36).slice(2)}.key`)
  writeFileSync(path, `${identity}\n`, { mode: 0o600 })
  return path
}

describe.runIf(haveAge)('interop with the Go age CLI', () => {
  it('age -d decrypts what we encrypt, for each of several recipients, binary and armored', async () => {
    const ids = [generateAgeIdentity(), generateAgeIdentity(), generateAgeIdentity()]
    const plaintext = 'architecture decision: use Postgres\n'.repeat(100)
    const binary = await ageEncrypt(plaintext, ids.map(ageRecipientOf))
    for (const id of ids) {
      const out = execFileSync('age', ['-d', '-i', identityFile(id)], { input: binary })
      expect(out.toString()).toBe(plaintext)
    }
    const armored = armor.encode(binary)
    expect(execFileSync('age', ['-d', '-i', identityFile(ids[1]!)], { input: armored }).toString()).toBe(plaintext)
  })

  it('we decrypt what age -r encrypts, and age-keygen identities work here', async () => {
    const keyFile = join(dir, 'keygen.key')
    execFileSync('age-keygen', ['-o', keyFile], { stdio: 'ignore' })
    const identity = execFileSync('grep', ['^AGE-SECRET-KEY', keyFile]).toString().trim()
    const recipient = execFileSync('age-keygen', ['-y', keyFile]).toString().trim()
    expect(ageRecipientOf(identity)).toBe(recipient)
    const other = generateAgeIdentity()
    const ct = execFileSync('age', ['-r', recipient, '-r', ageRecipientOf(other)], { input: 'from go age' })
    for (const id of [identity, other]) {
      const r = await ageDecrypt(new Uint8Array(ct), [new NativeX25519Identity(id)])
      expect(new TextDecoder().decode(r?.plaintext)).toBe('from go age')
    }
    const armored = execFileSync('age', ['-a', '-r', recipient], { input: 'armored' }).toString()
    const r = await ageDecrypt(armor.decode(armored), [new NativeX25519Identity(identity)])
    expect(new TextDecoder().decode(r?.plaintext)).toBe('armored')
  })

  it('age refuses what was not encrypted to its key, as we do', async () => {
    const ct = await ageEncrypt('x', [ageRecipientOf(generateAgeIdentity())])
    expect(() => execFileSync('age', ['-d', '-i', identityFile(generateAgeIdentity())], { input: ct, stdio: ['pipe', 'pipe', 'pipe'] })).toThrow()
  })
})
