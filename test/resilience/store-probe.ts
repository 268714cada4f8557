// Reads the LevelDB of a peer that is not running (killed: the kernel released LevelDB's lock), to check what a crash
// left on disk before the restart has a chance to repair or hide anything.
import { readdir } from 'node:fs/promises'
import { decodeEnvelope } from '../../src-main/core/crypto/envelope.ts'
import type { PersistentState } from '../../src-main/core/election/machine.ts'
import { DecisionIndex } from '../../src-main/core/decisions/decision-index.ts'
import { RosterBook } from '../../src-main/core/membership/roster-book.ts'
import type { Roster } from '../../src-main/core/membership/roster.ts'
import { decisionKey, keyringKey, keysKey, logKey } from '../../src-main/core/records/keys.ts'
import { RecordStore } from '../../src-main/core/records/record-store.ts'
import type { LogRecord } from '../../src-main/core/records/schemas.ts'
import { Store } from '../../src-main/core/store/store.ts'
import { Vault } from '../../src-main/core/vault/vault.ts'

export interface StoredDecision {
  record: boolean
  header: boolean
  /** The author's log (position -> address) lists it. */
  logPosition: boolean
  /** The signed log head stored for the author lists it. */
  inLogHead: boolean
}

async function withStore<T>(dir: string, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await Store.open(dir)
  try {
    return await fn(store)
  } finally {
    await store.close()
  }
}

/** Which parts of one of the author's own decisions are on disk. */
export function probeDecision(dir: string, net: string, author: string, address: string): Promise<StoredDecision> {
  return withStore(dir, async (store) => {
    const records = new RecordStore(store)
    const index = new DecisionIndex(store)
    await index.load()
    const head = await records.get(logKey(net, author))
    const entries = head === undefined ? [] : (decodeEnvelope(head).payload as LogRecord).entries
    return {
      record: (await records.get(decisionKey(net, address))) !== undefined,
      header: index.has(address),
      logPosition: index.logAddresses(author, 0, index.contiguousCount(author) + 1).includes(address),
      inLogHead: entries.some((h) => h.address === address),
    }
  })
}

/** The persisted election state, the roster and the stored keyring / key envelope sequence numbers. */
export function probeState(dir: string, net: string, member: string): Promise<{ election: PersistentState | undefined; roster: Roster | undefined; keyringSeq: number | undefined; keysSeq: number | undefined }> {
  return withStore(dir, async (store) => {
    const book = new RosterBook(store)
    await book.load()
    const records = new RecordStore(store)
    const keyring = await records.get(keyringKey(net))
    const keys = await records.get(keysKey(net, member))
    return {
      election: await store.json<PersistentState>('election').get('state'),
      roster: book.envelope?.payload,
      keyringSeq: keyring === undefined ? undefined : decodeEnvelope(keyring).seq,
      keysSeq: keys === undefined ? undefined : decodeEnvelope(keys).seq,
    }
  })
}

/** What the vault holds (it must open: a kill never leaves half a vault), and the temporary files beside it. */
export async function probeVault(dir: string, passphrase: string): Promise<{ adminSecret: boolean; previousAdminSecret: boolean; pendingShares: number[]; roleKeys: { role: string; keyId: string; retired: boolean }[]; custodyEpoch: number | undefined; temporaries: string[] }> {
  const vault = await Vault.open(dir)
  const contents = await vault.unlock(passphrase)
  vault.lock()
  return {
    adminSecret: contents.adminSecret !== undefined,
    previousAdminSecret: contents.previousAdminSecret !== undefined,
    pendingShares: (contents.pendingShares ?? []).map((p) => p.index),
    roleKeys: contents.roleKeys.map((k) => ({ role: k.role, keyId: k.keyId, retired: k.retiredAt !== undefined })),
    custodyEpoch: contents.custody?.epoch,
    temporaries: (await readdir(dir)).filter((f) => f.endsWith('.tmp')),
  }
}
