process.env.BZZZ_SCRYPT_LOG_N = '12'

import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { CONFIG_FILE } from '../config/load.ts'
import { peerIdOf, PEER_KEY_FILE } from '../network/peer-key.ts'
import { Peer } from '../peer.ts'
import { encodeEnvelope, signEnvelope } from '../crypto/envelope.ts'
import { keysKey, rosterKey } from '../records/keys.ts'
import { createBackup, readBackupHeader, restoreBackup } from './backup.ts'
import { VAULT_FILE } from './vault.ts'

const PASS = 'correct horse battery'
const opened: Peer[] = []
afterEach(async () => {
  await Promise.all(opened.splice(0).map((p) => p.close()))
})

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'bzzz-backup-'))
}

async function openPeer(dataDir: string): Promise<Peer> {
  const peer = await Peer.open({ dataDir, command: 'test' })
  opened.push(peer)
  return peer
}

async function close(peer: Peer): Promise<void> {
  opened.splice(opened.indexOf(peer), 1)
  await peer.close()
}

/** A data directory with a new network (alice, admin), closed again. */
async function initialized(config?: object): Promise<string> {
  const dir = await tempDir()
  if (config !== undefined) await writeFile(join(dir, CONFIG_FILE), JSON.stringify(config))
  const peer = await openPeer(dir)
  await peer.createNetwork({ networkName: 'acme', memberName: 'alice', passphrase: PASS })
  await close(peer)
  return dir
}

async function backupOf(dir: string, passphrase = PASS): Promise<Uint8Array> {
  const peer = await openPeer(dir)
  try {
    return await createBackup(peer, passphrase)
  } finally {
    await close(peer)
  }
}

async function expectNothingWritten(dir: string): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[])
  expect(names).not.toContain(VAULT_FILE)
  expect(names).not.toContain(PEER_KEY_FILE)
}

let source: string
let archive: Uint8Array

beforeAll(async () => {
  source = await initialized({ replicas: 5, mdns: false })
  archive = await backupOf(source)
})

describe('backup and restore', () => {
  it('brings the same member back in a new directory: member, role keys, share, peer id, roster, settings', async () => {
    const target = join(await tempDir(), 'restored')
    const restored = await restoreBackup({ dataDir: target, archive, passphrase: PASS })
    expect(restored).toMatchObject({ memberId: 'alice', networkName: 'acme', peerId: await peerIdOf(source) })

    const before = await openPeer(source)
    const a = await before.unlock(PASS)
    const after = await openPeer(target)
    expect(after.vaultState).toBe('locked')
    const b = await after.unlock(PASS)
    expect(restored.networkId).toBe(a.networkId)
    expect(b.memberId).toBe(a.memberId)
    expect(b.role).toBe('admin')
    expect(b.networkId).toBe(a.networkId)
    expect(b.roleIdentities.map((r) => [r.role, r.keyId, r.identity.recipient])).toEqual(a.roleIdentities.map((r) => [r.role, r.keyId, r.identity.recipient]))
    expect(b.share).toBeDefined()
    expect(b.share).toEqual(a.share)
    expect(b.admin?.age.recipient).toBe(a.admin?.age.recipient)
    expect(await peerIdOf(target)).toBe(await peerIdOf(source))
    expect(after.roster.trust).toEqual(before.roster.trust)
    expect(after.roster.roster.seq).toBe(before.roster.roster.seq)
    expect(await after.records.get(rosterKey(a.networkId))).toEqual(await before.records.get(rosterKey(a.networkId)))
    expect(await readFile(join(target, VAULT_FILE))).toEqual(await readFile(join(source, VAULT_FILE)))
    expect(JSON.parse(await readFile(join(target, CONFIG_FILE), 'utf8'))).toEqual({ replicas: 5, mdns: false })
  })

  it("carries this member's key envelope record when the store holds one", async () => {
    const dir = await initialized()
    const peer = await openPeer(dir)
    const session = await peer.unlock(PASS)
    const record = encodeEnvelope(signEnvelope({ kind: 'key_envelope', net: session.networkId, author: 'admin', seq: 1, payload: { test: true }, ttlMs: 60_000 }, session.admin!.signing))
    await peer.records.put(keysKey(session.networkId, 'alice'), record)
    const withKeys = await createBackup(peer, PASS)
    await close(peer)
    const target = join(await tempDir(), 'restored')
    await restoreBackup({ dataDir: target, archive: withKeys, passphrase: PASS })
    const restored = await openPeer(target)
    expect(Buffer.from((await restored.records.get(keysKey(session.networkId, 'alice')))!)).toEqual(Buffer.from(record))
    expect(await restored.records.get(keysKey(session.networkId, 'bob'))).toBeUndefined()
  })

  it('says what it is in clear: format, version, time, network and member', () => {
    const header = readBackupHeader(archive)
    expect(header).toMatchObject({ format: 'bzzz-backup', version: 1, network: { name: 'acme' }, member: { id: 'alice' } })
    expect(Math.abs(header.createdAt - Date.now())).toBeLessThan(60_000)
    const text = Buffer.from(archive).toString()
    expect(text).not.toContain('AGE-SECRET-KEY') // nothing secret in clear
  })

  it('backs up an unlocked peer too, still checking the passphrase', async () => {
    const peer = await openPeer(source)
    await peer.unlock(PASS)
    await expect(createBackup(peer, 'not the passphrase')).rejects.toMatchObject({ code: 'unauthenticated', message: 'wrong passphrase; nothing was written' })
    const again = await createBackup(peer, PASS)
    expect(readBackupHeader(again).member.id).toBe('alice')
  })

  it('refuses a wrong passphrase when backing up', async () => {
    await expect(backupOf(source, 'not the passphrase')).rejects.toMatchObject({ code: 'unauthenticated', message: 'wrong passphrase; nothing was written' })
  })

  it('refuses to back up a directory without a member', async () => {
    const peer = await openPeer(await tempDir())
    await expect(createBackup(peer, PASS)).rejects.toMatchObject({ code: 'not_found' })
  })

  it('refuses a wrong passphrase when restoring, and writes nothing', async () => {
    const target = join(await tempDir(), 'restored')
    await expect(restoreBackup({ dataDir: target, archive, passphrase: 'not the passphrase' })).rejects.toMatchObject({
      code: 'unauthenticated',
      message: 'wrong passphrase; nothing was written',
    })
    await expectNothingWritten(target)
  })

  function reencode(mutate: (j: Record<string, unknown>) => void): Uint8Array {
    const j = JSON.parse(Buffer.from(archive).toString()) as Record<string, unknown>
    mutate(j)
    return Buffer.from(JSON.stringify(j))
  }

  it.each([
    ['truncated', () => archive.subarray(0, archive.length - 50), /the backup is damaged \(not complete JSON; it may be truncated\)/],
    [
      'flipped ciphertext byte',
      () =>
        reencode((j) => {
          const c = Buffer.from(j.ciphertext as string, 'base64')
          c[100]! ^= 1
          j.ciphertext = c.toString('base64')
        }),
      /the backup is damaged \(authentication failed/,
    ],
    [
      'shortened ciphertext',
      () =>
        reencode((j) => {
          j.ciphertext = Buffer.from(j.ciphertext as string, 'base64').subarray(0, 200).toString('base64')
        }),
      /the backup is damaged \(authentication failed/,
    ],
    ['changed member id', () => reencode((j) => void ((j.member as { id: string }).id = 'mallory')), /the backup is damaged \(authentication failed/],
    ['changed creation time', () => reencode((j) => void (j.createdAt = 0)), /the backup is damaged \(authentication failed/],
    ['missing header field', () => reencode((j) => void delete j.nonce), /the backup is damaged \(unexpected header: nonce\)/],
    ['empty file', () => new Uint8Array(0), /not a bzzz backup \(the file is empty\)/],
    ['text file', () => Buffer.from('hello, world\n'), /not a bzzz backup/],
    ['other JSON', () => Buffer.from('{"hello":1}'), /not a bzzz backup \(no bzzz-backup header\)/],
    ['newer format', () => reencode((j) => void (j.version = 2)), /format version 2/],
  ])('refuses a %s archive with invalid_input and writes nothing', async (_name, make, message) => {
    const target = join(await tempDir(), 'restored')
    await expect(restoreBackup({ dataDir: target, archive: make(), passphrase: PASS })).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringMatching(message),
    })
    await expectNothingWritten(target)
  })

  it('refuses a vault file given as a backup, saying what it is', async () => {
    const target = join(await tempDir(), 'restored')
    const vault = await readFile(join(source, VAULT_FILE))
    await expect(restoreBackup({ dataDir: target, archive: vault, passphrase: PASS })).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringMatching(/not a bzzz backup \(it is a vault file/),
    })
    await expectNothingWritten(target)
  })

  it('refuses a data directory that already holds a vault and leaves it unchanged', async () => {
    const other = await initialized()
    const before = await readFile(join(other, VAULT_FILE))
    const key = await readFile(join(other, PEER_KEY_FILE))
    await expect(restoreBackup({ dataDir: other, archive, passphrase: PASS })).rejects.toMatchObject({ code: 'conflict', message: expect.stringMatching(/already holds a member identity/) })
    expect(await readFile(join(other, VAULT_FILE))).toEqual(before)
    expect(await readFile(join(other, PEER_KEY_FILE))).toEqual(key)
    const peer = await openPeer(other)
    expect((await peer.unlock(PASS)).networkId).not.toBe(readBackupHeader(archive).network.id)
  })

  it('refuses a directory another process holds, with the lock message, and writes nothing', async () => {
    const target = await tempDir()
    // Another live process (the test runner's parent) holds the directory.
    await writeFile(join(target, 'peer.lock'), JSON.stringify({ pid: process.ppid, command: 'bzzz peer', startedAt: Date.now() }))
    await expect(restoreBackup({ dataDir: target, archive, passphrase: PASS })).rejects.toMatchObject({ code: 'conflict', message: expect.stringMatching(/in use by another bzzz process/) })
    await expectNothingWritten(target)
  })

  it('finishes a restore that was interrupted before the vault was written (no vault: simply run it again)', async () => {
    // A half-done restore: the store and a peer key are there, the vault is not.
    const target = await tempDir()
    const stray = await openPeer(target)
    await close(stray)
    await writeFile(join(target, PEER_KEY_FILE), Buffer.from('a peer key from an interrupted attempt'))
    const restored = await restoreBackup({ dataDir: target, archive, passphrase: PASS })
    expect(restored.peerId).toBe(await peerIdOf(source))
    const peer = await openPeer(target)
    expect((await peer.unlock(PASS)).memberId).toBe('alice')
  })
})
