// Backup and restore of a member: everything needed to bring the same identity back on a new machine.
//
// Archive format (JSON, like the vault): a header in clear, then the ChaCha20-Poly1305 ciphertext of the archive
// contents, sealed with a key derived from the vault passphrase by scrypt (sealed-file.ts, shared with the vault),
// the whole header being the associated data:
//
//   { format: 'bzzz-backup', version: 1, createdAt, network: { id, name }, member: { id },
//     kdf: { name: 'scrypt', logN, r, p, salt }, cipher: 'chacha20-poly1305', check, nonce, ciphertext }
//
// The contents (JSON, byte strings in base64): the vault file exactly as on disk (itself sealed under the same
// passphrase), the libp2p peer key (so the member keeps the peer id the roster binds to it), config.json if there
// is one, the trust anchor, the current roster envelope and this member's key envelope record if the store holds
// one. Decisions are not in it: they live in the network, and a restored peer catches up.
//
// Restore checks everything (passphrase, integrity, that the vault opens, that the roster verifies against the
// trust anchor) before writing anything, then writes the store, the peer key and the settings, and the vault last:
// the vault is the commit point, so a kill at any moment leaves either no vault (run restore again) or a member.
import { readFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { privateKeyFromProtobuf } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { z } from 'zod'
import { BzzzError } from '../../../src-shared/errors.ts'
import { CONFIG_FILE } from '../config/load.ts'
import { fromBase64, toBase64, utf8 } from '../crypto/encoding.ts'
import { decodeEnvelope, RecordError, type Envelope } from '../crypto/envelope.ts'
import { decodeRoster, encodeRoster, type Roster } from '../membership/roster.ts'
import type { TrustAnchor } from '../membership/roster-book.ts'
import { PEER_KEY_FILE } from '../network/peer-key.ts'
import { Peer } from '../peer.ts'
import { keysKey, rosterKey } from '../records/keys.ts'
import { writeFileAtomic, writeFileAtomicExclusive } from '../store/atomic-file.ts'
import { checkMatches, keyForHeader, newKey, openBytes, sealBytes, sealedFieldsSchema, wipeKey, type DerivedKey } from './sealed-file.ts'
import { openVaultBytes, Vault, VAULT_FILE } from './vault.ts'

export const BACKUP_FORMAT = 'bzzz-backup'
export const BACKUP_VERSION = 1
const CHECK_LABEL = 'bzzz-backup-check'
/** Far above any real archive (a vault is at most 4 MiB, a record 512 KiB); a bound before parsing. */
export const MAX_BACKUP_BYTES = 16 * 1024 * 1024
const MAX_CONFIG_BYTES = 1024 * 1024

const leadSchema = z
  .object({
    format: z.literal(BACKUP_FORMAT),
    version: z.literal(BACKUP_VERSION),
    createdAt: z.number().int().nonnegative(),
    network: z.object({ id: z.string().min(1), name: z.string() }).strict(),
    member: z.object({ id: z.string().min(1) }).strict(),
  })
  .strict()
const fileSchema = leadSchema.extend(sealedFieldsSchema.shape).extend({ ciphertext: z.string() }).strict()

/** What a backup says about itself in clear, readable without the passphrase. */
export type BackupHeader = z.infer<typeof leadSchema>

const contentsSchema = z
  .object({
    /** vault.json exactly as it was on disk (base64). */
    vault: z.string(),
    /** DIR/peer-key: the libp2p private key, protobuf (base64). */
    peerKey: z.string(),
    /** DIR/config.json, if there was one (base64). */
    config: z.string().optional(),
    trust: z.object({ networkId: z.string(), networkName: z.string(), adminSigningKey: z.string() }).strict(),
    /** The current roster envelope (base64). */
    roster: z.string(),
    /** This member's key envelope record, if the store held one (base64). */
    keys: z.string().optional(),
  })
  .strict()
type BackupContents = z.infer<typeof contentsSchema>

export interface RestoredMember {
  memberId: string
  networkId: string
  networkName: string
  peerId: string
}

function wrongPassphrase(): BzzzError {
  return new BzzzError('unauthenticated', 'wrong passphrase; nothing was written')
}

function damaged(why: string): BzzzError {
  return new BzzzError('invalid_input', `the backup is damaged (${why}); nothing was written`)
}

function notABackup(why: string): BzzzError {
  return new BzzzError('invalid_input', `this file is not a bzzz backup (${why}); nothing was written`)
}

async function readOptional(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw err
  }
}

/**
 * The encrypted archive of this member. `passphrase` must be the vault passphrase: a locked peer is unlocked with
 * it, and it is checked against the exact vault bytes that go into the archive.
 */
export async function createBackup(peer: Peer, passphrase: string): Promise<Uint8Array> {
  if (peer.vaultState === 'absent') void peer.session // throws the onboarding hint
  if (peer.vaultState === 'locked') {
    try {
      await peer.unlock(passphrase)
    } catch (err) {
      if (err instanceof BzzzError && err.code === 'unauthenticated') throw wrongPassphrase()
      throw err
    }
  }
  const session = peer.session
  const vaultBytes = await readFile(join(peer.dataDir, VAULT_FILE))
  let member: { id: string; network: string }
  try {
    const { contents, key } = await openVaultBytes(vaultBytes, passphrase, peer.dataDir)
    wipeKey(key)
    member = { id: contents.member.id, network: contents.network.id }
  } catch (err) {
    if (err instanceof BzzzError && err.code === 'unauthenticated') throw wrongPassphrase()
    throw err
  }
  if (member.id !== session.memberId || member.network !== session.networkId) {
    throw new BzzzError('conflict', 'the vault changed while it was being backed up; nothing was written; try again')
  }
  const trust = peer.roster.trust
  const roster = peer.roster.envelope
  if (trust === undefined || roster === undefined || trust.networkId !== session.networkId) {
    throw new BzzzError('unavailable', `the store in ${peer.dataDir} has no roster for this member's network; nothing was written`)
  }
  const peerKeyPath = join(peer.dataDir, PEER_KEY_FILE)
  const peerKey = await readOptional(peerKeyPath)
  if (peerKey === undefined) throw new BzzzError('unavailable', `${peerKeyPath} is missing, so this member's peer id cannot be backed up; nothing was written`)
  try {
    privateKeyFromProtobuf(new Uint8Array(peerKey))
  } catch {
    throw new BzzzError('invalid_input', `the peer key ${peerKeyPath} is damaged, so this member's peer id cannot be backed up; nothing was written`)
  }
  const configPath = join(peer.dataDir, CONFIG_FILE)
  const config = await readOptional(configPath)
  if (config !== undefined && config.length > MAX_CONFIG_BYTES) throw new BzzzError('too_large', `${configPath} is larger than ${MAX_CONFIG_BYTES} bytes; nothing was written`)
  const keys = await peer.records.get(keysKey(session.networkId, session.memberId))

  const contents: BackupContents = {
    vault: toBase64(vaultBytes),
    peerKey: toBase64(peerKey),
    ...(config === undefined ? {} : { config: toBase64(config) }),
    trust: { networkId: trust.networkId, networkName: trust.networkName, adminSigningKey: trust.adminSigningKey },
    roster: toBase64(encodeRoster(roster)),
    ...(keys === undefined ? {} : { keys: toBase64(keys) }),
  }
  const lead: BackupHeader = {
    format: BACKUP_FORMAT,
    version: BACKUP_VERSION,
    createdAt: Date.now(),
    network: { id: session.networkId, name: session.networkName },
    member: { id: session.memberId },
  }
  const key = await newKey(passphrase)
  try {
    const { header, ciphertext } = sealBytes(lead, utf8.encode(JSON.stringify(contents)), key, CHECK_LABEL)
    return utf8.encode(`${JSON.stringify({ ...header, ciphertext }, null, 1)}\n`)
  } finally {
    wipeKey(key)
  }
}

function parseBackupFile(archive: Uint8Array): z.infer<typeof fileSchema> {
  if (archive.length === 0) throw notABackup('the file is empty')
  if (archive.length > MAX_BACKUP_BYTES) throw notABackup(`larger than ${MAX_BACKUP_BYTES} bytes`)
  const text = Buffer.from(archive.buffer, archive.byteOffset, archive.byteLength).toString('utf8')
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    throw /"format":\s*"bzzz-backup"/.test(text) ? damaged('not complete JSON; it may be truncated') : notABackup('not a JSON backup archive')
  }
  const format = typeof json === 'object' && json !== null ? (json as { format?: unknown }).format : undefined
  if (format === 'bzzz-vault') throw notABackup("it is a vault file; 'bzzz restore' takes the file 'bzzz backup' wrote")
  if (format !== BACKUP_FORMAT) throw notABackup('no bzzz-backup header')
  const version = (json as { version?: unknown }).version
  if (version !== BACKUP_VERSION) {
    throw new BzzzError('invalid_input', `this backup has format version ${String(version)}, which this bzzz (version ${BACKUP_VERSION} backups) cannot read; nothing was written`)
  }
  const parsed = fileSchema.safeParse(json)
  if (!parsed.success) throw damaged(`unexpected header: ${parsed.error.issues[0]?.path.join('.') ?? '?'}`)
  return parsed.data
}

/** The header of a backup, without the passphrase: what it is a backup of, and when it was made. */
export function readBackupHeader(archive: Uint8Array): BackupHeader {
  const { format, version, createdAt, network, member } = parseBackupFile(archive)
  return { format, version, createdAt, network, member }
}

function bytesOf(b64: string, what: string): Uint8Array {
  try {
    return fromBase64(b64)
  } catch {
    throw damaged(`${what} is not valid base64`)
  }
}

interface VerifiedArchive {
  header: BackupHeader
  vault: Uint8Array
  peerKey: Uint8Array
  peerId: string
  config: Uint8Array | undefined
  trust: TrustAnchor
  roster: Envelope<Roster>
  rosterBytes: Uint8Array
  keys: Uint8Array | undefined
}

/** Decrypts and checks the whole archive in memory; throws before anything is written. */
async function verifyArchive(archive: Uint8Array, passphrase: string, dataDir: string): Promise<VerifiedArchive> {
  const { ciphertext, ...sealedHeader } = parseBackupFile(archive)
  const { format, version, createdAt, network, member } = sealedHeader
  const header: BackupHeader = { format, version, createdAt, network, member }
  let plaintext: Buffer
  let key: DerivedKey
  try {
    key = await keyForHeader(passphrase, sealedHeader)
  } catch {
    throw damaged('the scrypt parameters are unusable')
  }
  try {
    if (!checkMatches(key, CHECK_LABEL, sealedHeader.check)) throw wrongPassphrase()
    const opened = openBytes(sealedHeader, bytesOf(ciphertext, 'the ciphertext'), key)
    if (!opened.ok) throw damaged(opened.why === 'truncated' ? 'the ciphertext is truncated' : 'authentication failed: the file was changed or truncated')
    plaintext = opened.plaintext
  } finally {
    wipeKey(key)
  }
  let contents: BackupContents
  try {
    const parsed = contentsSchema.safeParse(JSON.parse(plaintext.toString('utf8')))
    if (!parsed.success) throw new Error(parsed.error.issues[0]?.path.join('.') ?? '?')
    contents = parsed.data
  } catch (err) {
    throw damaged(`the contents do not match the backup format: ${(err as Error).message}`)
  }

  // The vault must open with this passphrase and be the member and network the header names.
  const vault = bytesOf(contents.vault, 'the vault')
  let vaultContents
  try {
    const opened = await openVaultBytes(vault, passphrase, dataDir)
    wipeKey(opened.key)
    vaultContents = opened.contents
  } catch (err) {
    if (err instanceof BzzzError && err.code === 'unauthenticated') throw damaged('the vault in it does not open with the passphrase of the backup')
    if (err instanceof BzzzError) throw damaged('the vault in it is damaged')
    throw err
  }
  if (vaultContents.member.id !== member.id || vaultContents.network.id !== network.id) throw damaged('the header does not match the vault in it')
  const trust: TrustAnchor = contents.trust
  if (trust.networkId !== vaultContents.network.id || trust.adminSigningKey !== vaultContents.network.admin.signingKey) {
    throw damaged('the trust anchor does not match the vault in it')
  }

  const rosterBytes = bytesOf(contents.roster, 'the roster')
  let roster: Envelope<Roster>
  try {
    roster = decodeRoster(rosterBytes, trust)
  } catch (err) {
    if (err instanceof RecordError && (err.reason === 'not_yet_valid' || err.reason === 'expired')) {
      throw new BzzzError('invalid_input', `the roster in the backup is not valid at this time (${err.message}); check this machine's clock; nothing was written`)
    }
    throw damaged(`the roster in it does not verify: ${err instanceof Error ? err.message : String(err)}`)
  }

  const peerKey = bytesOf(contents.peerKey, 'the peer key')
  let peerId: string
  try {
    peerId = peerIdFromPrivateKey(privateKeyFromProtobuf(peerKey)).toString()
  } catch {
    throw damaged('the peer key in it cannot be read')
  }

  const keys = contents.keys === undefined ? undefined : bytesOf(contents.keys, 'the key envelope')
  if (keys !== undefined) {
    let env: Envelope
    try {
      env = decodeEnvelope(keys)
    } catch {
      throw damaged('the key envelope in it cannot be read')
    }
    if (env.kind !== 'key_envelope' || env.net !== network.id) throw damaged('the key envelope in it is not for this network')
  }
  const config = contents.config === undefined ? undefined : bytesOf(contents.config, 'the settings')
  return { header, vault, peerKey, peerId, config, trust, roster, rosterBytes, keys }
}

function alreadyAMember(dataDir: string): BzzzError {
  return new BzzzError('conflict', `${dataDir} already holds a member identity (${VAULT_FILE}); refusing to overwrite it; restore into an empty data directory`)
}

/** Throws `conflict` if `dataDir` already holds a member (a vault): a restore never replaces one. */
export async function assertRestoreTarget(dataDir: string): Promise<void> {
  if (await Vault.exists(resolve(dataDir))) throw alreadyAMember(resolve(dataDir))
}

/**
 * Restores a backup into `dataDir`, which must not hold a vault. Nothing is written unless the whole archive
 * verifies; the vault is written last, as the commit.
 */
export async function restoreBackup(opts: { dataDir: string; archive: Uint8Array; passphrase: string }): Promise<RestoredMember> {
  const dataDir = resolve(opts.dataDir)
  const header = readBackupHeader(opts.archive) // "not a backup" before anything else
  await assertRestoreTarget(dataDir)
  const a = await verifyArchive(opts.archive, opts.passphrase, dataDir)
  const net = header.network.id

  const peer = await Peer.open({ dataDir, command: 'bzzz restore' })
  try {
    if (peer.vaultState !== 'absent') throw alreadyAMember(dataDir)
    // Anything here is from an interrupted init, join or restore (there is no vault): replaced, not merged.
    await peer.roster.initialize(a.trust, a.roster)
    await peer.records.put(rosterKey(net), a.rosterBytes)
    if (a.keys !== undefined) await peer.records.put(keysKey(net, header.member.id), a.keys)
    await writeFileAtomic(join(dataDir, PEER_KEY_FILE), a.peerKey)
    if (a.config !== undefined) await writeFileAtomic(join(dataDir, CONFIG_FILE), a.config)
    try {
      await writeFileAtomicExclusive(join(dataDir, VAULT_FILE), a.vault)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw alreadyAMember(dataDir)
      throw err
    }
  } finally {
    await peer.close()
  }
  return { memberId: header.member.id, networkId: net, networkName: a.trust.networkName, peerId: a.peerId }
}
