// Every decision header this peer knows, persisted, with the relations queries need: which versions supersede
// which, and each author's log (position -> address) so catch-up knows what it is missing.
import type { DecisionHeader } from '../../../src-shared/decisions.ts'
import { SYNC, type Store, type StoreWrite } from '../store/store.ts'

function pos(n: number): string {
  return n.toString().padStart(10, '0')
}

export class DecisionIndex {
  private readonly store: Store
  private readonly headersDb
  private readonly logsDb
  private readonly headers = new Map<string, DecisionHeader>()
  private readonly successors = new Map<string, Set<string>>()
  /** author -> position -> address */
  private readonly logs = new Map<string, Map<number, string>>()
  /** Author -> entries 0..n-1 held, as last counted. */
  private readonly contiguous = new Map<string, number>()
  /** author -> headers of theirs this peer knows (from gossip or catch-up) */
  private readonly perAuthor = new Map<string, number>()

  constructor(store: Store) {
    this.store = store
    this.headersDb = store.json<DecisionHeader>('headers')
    this.logsDb = store.json<string>('logs')
  }

  async load(): Promise<void> {
    for await (const header of this.headersDb.values()) this.remember(header)
    for await (const [key, address] of this.logsDb.iterator()) {
      const cut = key.lastIndexOf('/')
      this.logMap(key.slice(0, cut)).set(Number(key.slice(cut + 1)), address)
    }
  }

  private remember(header: DecisionHeader): void {
    if (!this.headers.has(header.address)) this.perAuthor.set(header.author, (this.perAuthor.get(header.author) ?? 0) + 1)
    this.headers.set(header.address, header)
    if (header.supersedes !== undefined) {
      let set = this.successors.get(header.supersedes)
      if (set === undefined) this.successors.set(header.supersedes, (set = new Set()))
      set.add(header.address)
    }
  }

  private logMap(author: string): Map<number, string> {
    let m = this.logs.get(author)
    if (m === undefined) this.logs.set(author, (m = new Map()))
    return m
  }

  has(address: string): boolean {
    return this.headers.has(address)
  }

  get(address: string): DecisionHeader | undefined {
    return this.headers.get(address)
  }

  private readonly adding = new Set<string>()

  /**
   * Adds a header durably; returns false when it was already known (or is being added by a concurrent call).
   * `alongside` are writes for the same batch (the record itself), so a kill never leaves one without the other.
   */
  async add(header: DecisionHeader, alongside: StoreWrite[] = []): Promise<boolean> {
    if (this.headers.has(header.address) || this.adding.has(header.address)) return false
    this.adding.add(header.address)
    try {
      await this.store.commit([{ ns: this.headersDb, key: header.address, value: header }, ...alongside])
      this.remember(header)
    } finally {
      this.adding.delete(header.address)
    }
    return true
  }

  /**
   * This peer's own new decision: its header, its position in the author's log and `alongside` (the record, the signed
   * log records) in one batch. A kill leaves the whole publish or nothing of it; separate writes could leave a record
   * no index lists, or a header that never reaches the author's log (so other peers never catch up on it).
   */
  async addOwn(header: DecisionHeader, position: number, alongside: StoreWrite[]): Promise<void> {
    if (this.headers.has(header.address) || this.adding.has(header.address)) throw new Error(`${header.address} is already indexed`)
    this.adding.add(header.address)
    try {
      await this.store.commit([{ ns: this.headersDb, key: header.address, value: header }, { ns: this.logsDb, key: `${header.author}/${pos(position)}`, value: header.address }, ...alongside])
      this.remember(header)
      this.logMap(header.author).set(position, header.address)
    } finally {
      this.adding.delete(header.address)
    }
  }

  /** Records an author's log positions (from their signed log pages, or our own publishes). */
  async setLogPositions(author: string, entries: { position: number; address: string }[]): Promise<void> {
    const m = this.logMap(author)
    const fresh = entries.filter((e) => m.get(e.position) !== e.address)
    if (fresh.length === 0) return
    await this.logsDb.batch(fresh.map((e) => ({ type: 'put' as const, key: `${author}/${pos(e.position)}`, value: e.address })), SYNC)
    for (const e of fresh) m.set(e.position, e.address)
  }

  /** How many of an author's log entries this peer holds without a gap. */
  contiguousCount(author: string): number {
    const m = this.logs.get(author)
    if (m === undefined) return 0
    // Log positions are never removed, so the count only grows: resume from the last one (hints ask for every author).
    let n = this.contiguous.get(author) ?? 0
    while (m.has(n)) n++
    this.contiguous.set(author, n)
    return n
  }

  /**
   * How long this peer believes an author's log is: the entries it holds in order, or the author's headers it knows
   * when more (headers that came by gossip have no log position until a catch-up reads the log). A catch-up hint.
   */
  knownLogLength(author: string): number {
    return Math.max(this.contiguousCount(author), this.perAuthor.get(author) ?? 0)
  }

  logAddresses(author: string, from: number, to: number): string[] {
    const m = this.logs.get(author)
    const out: string[] = []
    for (let i = from; i < to; i++) {
      const a = m?.get(i)
      if (a !== undefined) out.push(a)
    }
    return out
  }

  supersededBy(address: string): string[] {
    return [...(this.successors.get(address) ?? [])].sort()
  }

  all(): IterableIterator<DecisionHeader> {
    return this.headers.values()
  }

  get size(): number {
    return this.headers.size
  }
}
