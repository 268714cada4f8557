// bzzz backup and bzzz restore as a user runs them: real processes, real files.
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { EXIT_CODES } from '../src-main/cli/errors.ts'
import { peerIdOf } from '../src-main/core/network/peer-key.ts'
import { passphraseFile, runBzzz, tempDir } from './helpers/cli.ts'

let root: string
let home: string
let pass: string
let archive: string

function oneLineError(stderr: string, fragment: RegExp) {
  expect(stderr.trimEnd().split('\n')).toHaveLength(1)
  expect(stderr).toMatch(/^bzzz: /)
  expect(stderr).toMatch(fragment)
  expect(stderr).not.toMatch(/\n\s+at /)
}

async function nothingWritten(dir: string) {
  const names = await readdir(dir).catch(() => [] as string[])
  expect(names).not.toContain('vault.json')
  expect(names).not.toContain('peer-key')
}

beforeAll(async () => {
  root = await tempDir()
  home = join(root, 'home')
  pass = await passphraseFile(root)
  archive = join(root, 'alice.bzzz-backup')
  const init = await runBzzz(['init', '--data-dir', home, '--passphrase-file', pass, '--name', 'alice', '--network', 'acme'])
  expect(init.code).toBe(0)
})

describe('bzzz backup and restore', () => {
  it('backs up, refuses to overwrite, restores on a "new machine" where the role keys still work', async () => {
    const backup = await runBzzz(['backup', '--out', archive, '--data-dir', home, '--passphrase-file', pass])
    expect(backup.stderr).toBe('')
    expect(backup.code).toBe(0)
    expect(backup.stdout.toString()).toMatch(new RegExp(`^Backed up member 'alice' of network 'acme' \\(\\S+\\) from ${home} to ${archive}\\n$`))
    expect((await stat(archive)).mode & 0o777).toBe(0o600)
    const header = JSON.parse(await readFile(archive, 'utf8'))
    expect(header).toMatchObject({ format: 'bzzz-backup', version: 1, member: { id: 'alice' }, network: { name: 'acme' } })

    const before = await readFile(archive)
    const again = await runBzzz(['backup', '--out', archive, '--data-dir', home, '--passphrase-file', pass])
    expect(again.code).toBe(EXIT_CODES.conflict)
    oneLineError(again.stderr, /already exists; refusing to overwrite it \(use --force/)
    expect(await readFile(archive)).toEqual(before)
    const forced = await runBzzz(['backup', '--force', '--out', archive, '--data-dir', home, '--passphrase-file', pass])
    expect(forced.code).toBe(0)
    expect(await readFile(archive)).not.toEqual(before)

    // Something encrypted on the old machine ...
    const enc = await runBzzz(['crypto', 'encrypt', '--role', 'architect', '--data-dir', home, '--passphrase-file', pass], { input: 'use postgres' })
    expect(enc.code).toBe(0)

    // ... opens on the new one, and the new one encrypts for the old one.
    const fresh = join(root, 'new-machine')
    const restore = await runBzzz(['restore', archive, '--data-dir', fresh, '--passphrase-file', pass])
    expect(restore.stderr).toBe('')
    expect(restore.code).toBe(0)
    expect(restore.stdout.toString()).toMatch(new RegExp(`^Restored member 'alice' of network 'acme' \\(\\S+\\), peer id ${await peerIdOf(home)}, from ${archive} into ${fresh}; `))
    expect(restore.stdout.toString().trimEnd().split('\n')).toHaveLength(1)
    const dec = await runBzzz(['crypto', 'decrypt', '--data-dir', fresh, '--passphrase-file', pass], { input: enc.stdout })
    expect(dec.code).toBe(0)
    expect(dec.stdout.toString()).toBe('use postgres')
    const back = await runBzzz(['crypto', 'encrypt', '--role', 'observer', '--data-dir', fresh, '--passphrase-file', pass], { input: 'from the new machine' })
    expect(back.code).toBe(0)
    const old = await runBzzz(['crypto', 'decrypt', '--data-dir', home, '--passphrase-file', pass], { input: back.stdout })
    expect(old.stdout.toString()).toBe('from the new machine')
    expect(await peerIdOf(fresh)).toBe(await peerIdOf(home))

    // A second restore into the same directory is refused, and changes nothing.
    const vault = await readFile(join(fresh, 'vault.json'))
    const twice = await runBzzz(['restore', archive, '--data-dir', fresh, '--passphrase-file', pass])
    expect(twice.code).toBe(EXIT_CODES.conflict)
    oneLineError(twice.stderr, /already holds a member identity/)
    expect(await readFile(join(fresh, 'vault.json'))).toEqual(vault)
  }, 90_000)

  it('says "wrong passphrase" in one line (exit 3) and writes nothing, on backup and on restore', async () => {
    const wrong = await passphraseFile(await tempDir(), 'not the passphrase')
    const out = join(root, 'wrong.bzzz-backup')
    const b = await runBzzz(['backup', '--out', out, '--data-dir', home, '--passphrase-file', wrong])
    expect(b.code).toBe(EXIT_CODES.unauthenticated)
    oneLineError(b.stderr, /^bzzz: wrong passphrase; nothing was written$/m)
    expect(await readdir(root)).not.toContain('wrong.bzzz-backup')

    await runBzzz(['backup', '--force', '--out', archive, '--data-dir', home, '--passphrase-file', pass])
    const target = join(root, 'wrong-pass-target')
    const r = await runBzzz(['restore', archive, '--data-dir', target, '--passphrase-file', wrong])
    expect(r.code).toBe(EXIT_CODES.unauthenticated)
    oneLineError(r.stderr, /^bzzz: wrong passphrase; nothing was written$/m)
    await nothingWritten(target)
  }, 90_000)

  it('refuses a damaged archive and a file that is not a backup (exit 2), writing nothing', async () => {
    await runBzzz(['backup', '--force', '--out', archive, '--data-dir', home, '--passphrase-file', pass])
    const bytes = await readFile(archive)
    const truncated = join(root, 'truncated.bzzz-backup')
    await writeFile(truncated, bytes.subarray(0, bytes.length - 100))
    const tampered = join(root, 'tampered.bzzz-backup')
    const j = JSON.parse(bytes.toString())
    await writeFile(tampered, JSON.stringify({ ...j, member: { id: 'mallory' } }))
    for (const [file, message] of [
      [truncated, /the backup is damaged \(not complete JSON; it may be truncated\); nothing was written/],
      [tampered, /the backup is damaged \(authentication failed/],
      [pass, /not a bzzz backup/],
      [join(home, 'vault.json'), /not a bzzz backup \(it is a vault file/],
    ] as const) {
      const target = join(root, `damaged-${Math.random().toString(36).slice(2)}`)
      const r = await runBzzz(['restore', file, '--data-dir', target, '--passphrase-file', pass])
      expect(r.code).toBe(EXIT_CODES.invalid_input)
      oneLineError(r.stderr, message)
      await nothingWritten(target)
    }
    const missing = await runBzzz(['restore', join(root, 'no-such-file'), '--data-dir', join(root, 'x'), '--passphrase-file', pass])
    expect(missing.code).toBe(EXIT_CODES.not_found)
    oneLineError(missing.stderr, /cannot read the backup .*no-such-file: no such file/)
  }, 90_000)

  it('says to stop a running peer first (exit 6), and refuses a directory with no member (exit 5)', async () => {
    // A live process other than the CLI holds the directory: this test runner.
    await writeFile(join(home, 'peer.lock'), JSON.stringify({ pid: process.pid, command: 'bzzz peer', startedAt: Date.now() }))
    try {
      const r = await runBzzz(['backup', '--out', join(root, 'running.bzzz-backup'), '--data-dir', home, '--passphrase-file', pass])
      expect(r.code).toBe(EXIT_CODES.conflict)
      oneLineError(r.stderr, new RegExp(`a bzzz peer is running on ${home} \\(pid ${process.pid}, 'bzzz peer'\\); stop the peer first`))
      expect(await readdir(root)).not.toContain('running.bzzz-backup')
    } finally {
      await rm(join(home, 'peer.lock'), { force: true })
    }
    const empty = join(root, 'empty')
    await mkdir(empty)
    const none = await runBzzz(['backup', '--out', join(root, 'none.bzzz-backup'), '--data-dir', empty, '--passphrase-file', pass])
    expect(none.code).toBe(EXIT_CODES.not_found)
    oneLineError(none.stderr, /no member in .*empty.*nothing to back up/)
    const noDir = await runBzzz(['backup', '--out', join(root, 'missing-dir', 'x.bzzz-backup'), '--data-dir', home, '--passphrase-file', pass])
    expect(noDir.code).toBe(EXIT_CODES.not_found)
    oneLineError(noDir.stderr, /cannot write .*missing-dir.*: no such file or directory/)
    const usage = await runBzzz(['backup', '--data-dir', home])
    expect(usage.code).toBe(EXIT_CODES.invalid_input)
    expect(usage.stderr).toMatch(/--out <file>/)
  }, 90_000)
})
