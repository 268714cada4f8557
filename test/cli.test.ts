// The command line as users and scripts run it: real processes, real files, the real age CLI.
import { execFileSync } from 'node:child_process'
import { readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { acquireProcessLock } from '../src-main/core/store/process-lock.ts'
import { passphraseFile, runBzzz, tempDir } from './helpers/cli.ts'
import { requireTool } from './helpers/tools.ts'

const haveAge = requireTool('age')
let root: string
let admin: string
let pass: string

beforeAll(async () => {
  root = await tempDir()
  admin = join(root, 'admin')
  pass = await passphraseFile(root)
  const r = await runBzzz(['init', '--data-dir', admin, '--passphrase-file', pass, '--name', 'alice', '--network', 'acme'])
  expect(r.stderr).toBe('')
  expect(r.code).toBe(0)
  expect(r.stdout.toString()).toContain("Created network 'acme'")
})

function oneLineError(stderr: string, fragment: RegExp) {
  expect(stderr.trimEnd().split('\n')).toHaveLength(1)
  expect(stderr).toMatch(/^bzzz: /)
  expect(stderr).toMatch(fragment)
  expect(stderr).not.toMatch(/\n\s+at /) // never a stack trace
}

describe('bzzz init', () => {
  it('refuses to overwrite an existing data directory and leaves it unchanged', async () => {
    const before = await readFile(join(admin, 'vault.json'))
    const r = await runBzzz(['init', '--data-dir', admin, '--passphrase-file', pass])
    expect(r.code).toBe(6)
    oneLineError(r.stderr, /already holds a member identity/)
    expect(await readFile(join(admin, 'vault.json'))).toEqual(before)
  })

  it('rejects a bad member name naming the problem, and writes nothing', async () => {
    const dir = join(root, 'badname')
    const r = await runBzzz(['init', '--data-dir', dir, '--passphrase-file', pass, '--name', 'Bob Smith'])
    expect(r.code).toBe(2)
    oneLineError(r.stderr, /memberName: 'Bob Smith' contains " "/)
    expect(await readdir(dir).catch(() => [])).not.toContain('vault.json')
  })

  it('needs a passphrase from somewhere when there is no terminal', async () => {
    const r = await runBzzz(['init', '--data-dir', join(root, 'nopass')])
    expect(r.code).toBe(2)
    oneLineError(r.stderr, /--passphrase-file FILE or set BZZZ_PASSPHRASE/)
  })

  it('takes the passphrase from BZZZ_PASSPHRASE and rejects one that is too short', async () => {
    const r = await runBzzz(['init', '--data-dir', join(root, 'short')], { env: { BZZZ_PASSPHRASE: 'short' } })
    expect(r.code).toBe(2)
    oneLineError(r.stderr, /at least 8 characters/)
    const ok = await runBzzz(['init', '--data-dir', join(root, 'envpass'), '--name', 'carol'], { env: { BZZZ_PASSPHRASE: 'long enough pass' } })
    expect(ok.code).toBe(0)
  })

  it('reports unknown commands and options as usage errors', async () => {
    const r = await runBzzz(['frobnicate'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/unknown command 'frobnicate'/)
  })
})

describe('bzzz crypto and keys', () => {
  it('encrypts stdin to a role and decrypts it back (binary and armored)', async () => {
    const enc = await runBzzz(['crypto', 'encrypt', '--role', 'backend_dev', '--data-dir', admin, '--passphrase-file', pass], { input: 'pick postgres' })
    expect(enc.code).toBe(0)
    expect(enc.stdout.subarray(0, 21).toString()).toBe('age-encryption.org/v1')
    const dec = await runBzzz(['crypto', 'decrypt', '--data-dir', admin, '--passphrase-file', pass], { input: enc.stdout })
    expect(dec.stdout.toString()).toBe('pick postgres')
    const armored = await runBzzz(['crypto', 'encrypt', '-a', '--role', 'observer', '--data-dir', admin, '--passphrase-file', pass], { input: 'x' })
    expect(armored.stdout.toString()).toMatch(/^-----BEGIN AGE ENCRYPTED FILE-----/)
    const back = await runBzzz(['crypto', 'decrypt', '--data-dir', admin, '--passphrase-file', pass], { input: armored.stdout })
    expect(back.stdout.toString()).toBe('x')
  })

  it.runIf(haveAge)('exports role keys that the Go age CLI uses, following the hierarchy', async () => {
    const enc = await runBzzz(['crypto', 'encrypt', '--role', 'backend_dev', '--data-dir', admin, '--passphrase-file', pass], { input: 'for backend and above' })
    const keys: Record<string, string> = {}
    for (const role of ['observer', 'backend_dev', 'architect', 'admin']) {
      const r = await runBzzz(['keys', 'export', '--role', role, '--data-dir', admin, '--passphrase-file', pass])
      expect(r.code).toBe(0)
      keys[role] = join(root, `${role}.key`)
      await writeFile(keys[role]!, r.stdout)
    }
    for (const role of ['backend_dev', 'architect', 'admin']) {
      expect(execFileSync('age', ['-d', '-i', keys[role]!], { input: enc.stdout }).toString()).toBe('for backend and above')
    }
    expect(() => execFileSync('age', ['-d', '-i', keys.observer!], { input: enc.stdout, stdio: 'pipe' })).toThrow()
    // And the other way: age encrypts to the architect key, bzzz (admin, holding every role key) decrypts.
    const recipient = execFileSync('age-keygen', ['-y', keys.architect!]).toString().trim()
    const ct = execFileSync('age', ['-r', recipient], { input: 'from go' })
    const dec = await runBzzz(['crypto', 'decrypt', '--data-dir', admin, '--passphrase-file', pass], { input: ct })
    expect(dec.stdout.toString()).toBe('from go')
  })

  it('says "wrong passphrase" in one line with exit code 3', async () => {
    const wrong = await passphraseFile(await tempDir(), 'not the passphrase')
    const r = await runBzzz(['crypto', 'encrypt', '--role', 'observer', '--data-dir', admin, '--passphrase-file', wrong], { input: 'x' })
    expect(r.code).toBe(3)
    oneLineError(r.stderr, /wrong passphrase/)
  })

  it('rejects an unknown role, a missing data directory and garbage ciphertext clearly', async () => {
    const role = await runBzzz(['crypto', 'encrypt', '--role', 'wizard', '--data-dir', admin, '--passphrase-file', pass])
    expect(role.code).toBe(2)
    expect(role.stderr).toMatch(/'wizard' is not a role/)
    const missing = await runBzzz(['crypto', 'decrypt', '--data-dir', join(root, 'nothing-here'), '--passphrase-file', pass], { input: 'x' })
    expect(missing.code).toBe(5)
    oneLineError(missing.stderr, /no identity yet/)
    const garbage = await runBzzz(['crypto', 'decrypt', '--data-dir', admin, '--passphrase-file', pass], { input: 'not age at all' })
    expect(garbage.code).toBe(2)
    oneLineError(garbage.stderr, /not a valid age file/)
  })

  it('refuses a second process on the same data directory, naming the holder', async () => {
    const lock = await acquireProcessLock(admin, 'bzzz peer (test)')
    try {
      const r = await runBzzz(['crypto', 'encrypt', '--role', 'observer', '--data-dir', admin, '--passphrase-file', pass], { input: 'x' })
      expect(r.code).toBe(6)
      oneLineError(r.stderr, new RegExp(`in use by another bzzz process \\(pid ${process.pid}, 'bzzz peer \\(test\\)'`))
    } finally {
      await lock.release()
    }
  })

  it('takes over a stale lock left by a crashed process', async () => {
    await writeFile(join(admin, 'peer.lock'), JSON.stringify({ pid: 2 ** 22 + 12345, command: 'crashed', startedAt: 0 }))
    const r = await runBzzz(['crypto', 'encrypt', '--role', 'observer', '--data-dir', admin, '--passphrase-file', pass], { input: 'x' })
    expect(r.code).toBe(0)
  })
})
