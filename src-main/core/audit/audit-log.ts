// The audit log: append-only and hash-chained. Each entry's hash covers its fields and the previous hash, so a
// changed, removed or reordered entry breaks the chain at a point `verify` names.
import { auditEntrySchema, type AuditEntry } from '../../../src-shared/governance.ts'
import { canonicalJson } from '../crypto/encoding.ts'
import { sha256Hex } from '../crypto/hash.ts'
import { SYNC, type Store } from '../store/store.ts'

export type AuditKind = AuditEntry['kind']
const GENESIS = '0'.repeat(64)

function key(seq: number): string {
  return seq.toString().padStart(12, '0')
}

function entryHash(e: Omit<AuditEntry, 'hash'>): string {
  return sha256Hex(canonicalJson({ seq: e.seq, at: e.at, kind: e.kind, actor: e.actor, detail: e.detail, prev: e.prev }))
}

function decodeEntry(bytes: Uint8Array): AuditEntry | undefined {
  try {
    const r = auditEntrySchema.safeParse(JSON.parse(new TextDecoder().decode(bytes)))
    return r.success ? r.data : undefined
  } catch {
    return undefined
  }
}

export class AuditLog {
  private readonly db
  /** The same entries undecoded, so that verify names a corrupted entry instead of failing on it. */
  private readonly raw
  private tail: Promise<AuditEntry | undefined>

  constructor(store: Store) {
    this.db = store.json<AuditEntry>('audit')
    this.raw = store.bytes('audit')
    this.tail = this.last()
  }

  private async last(): Promise<AuditEntry | undefined> {
    for await (const value of this.db.values({ reverse: true, limit: 1 })) return value
    return undefined
  }

  /** Appends durably; appends are serialized so the chain never forks. */
  append(kind: AuditKind, detail: Record<string, unknown>, actor?: string): Promise<AuditEntry> {
    const next = this.tail.then(async (prev) => {
      const base = { seq: prev === undefined ? 0 : prev.seq + 1, at: Date.now(), kind, actor, detail, prev: prev?.hash ?? GENESIS }
      const entry: AuditEntry = { ...base, hash: entryHash(base) }
      await this.db.put(key(entry.seq), entry, SYNC)
      return entry
    })
    this.tail = next.catch(() => this.last())
    return next
  }

  /** Entries after `after`, oldest first: the first `limit` of them, or with `newest` the last `limit`. */
  async list(after = -1, limit = 200, newest = false): Promise<AuditEntry[]> {
    const out: AuditEntry[] = []
    for await (const value of this.db.values({ gt: key(after), limit, reverse: newest })) out.push(value)
    return newest ? out.reverse() : out
  }

  async verify(): Promise<{ ok: boolean; entries: number; firstBroken?: number; reason?: string }> {
    let prev = GENESIS
    let expected = 0
    for await (const [k, bytes] of this.raw.iterator()) {
      const e = decodeEntry(bytes)
      if (e === undefined) return { ok: false, entries: expected, firstBroken: expected, reason: `entry ${expected} is not a readable audit entry` }
      if (k !== key(e.seq) || e.seq !== expected) return { ok: false, entries: expected, firstBroken: expected, reason: `entry ${expected} is missing or out of order` }
      if (e.prev !== prev) return { ok: false, entries: expected, firstBroken: e.seq, reason: `entry ${e.seq} does not link to the entry before it` }
      if (entryHash(e) !== e.hash) return { ok: false, entries: expected, firstBroken: e.seq, reason: `entry ${e.seq} was changed after it was written` }
      prev = e.hash
      expected++
    }
    return { ok: true, entries: expected }
  }
}
