// The embedded store: one LevelDB in DIR/store for everything the peer keeps (records, index, audit log, roster,
// settings, and libp2p's own datastore). LevelDB's write-ahead log makes every acknowledged write (sync: true)
// survive a kill at any moment.
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { Level } from 'level'
import { BzzzError } from '../../../src-shared/errors.ts'

export const STORE_DIR = 'store'

export class Store {
  readonly db: Level<string, Uint8Array>
  private constructor(db: Level<string, Uint8Array>) {
    this.db = db
  }

  static async open(dir: string): Promise<Store> {
    const path = join(dir, STORE_DIR)
    await mkdir(path, { recursive: true, mode: 0o700 })
    const db = new Level<string, Uint8Array>(path, { valueEncoding: 'view' })
    try {
      await db.open()
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause
      if (cause?.code === 'LEVEL_LOCKED') throw new BzzzError('conflict', `the store in ${path} is in use by another process`)
      throw new BzzzError('unavailable', `cannot open the store in ${path}: ${(err as Error).message}; if it is corrupt, restore the data directory from a backup`)
    }
    return new Store(db)
  }

  /** A JSON-valued namespace. */
  json<V>(name: string) {
    return this.db.sublevel<string, V>(name, { valueEncoding: 'json' })
  }

  /** A binary-valued namespace. */
  bytes(name: string) {
    return this.db.sublevel<string, Uint8Array>(name, { valueEncoding: 'view' })
  }

  /**
   * Several writes to any namespaces as one durable LevelDB batch: after a kill, all of them are on disk or none is.
   * For state that is only consistent as a whole (a decision's record, its index entry and its author-log position).
   */
  async commit(writes: StoreWrite[]): Promise<void> {
    if (writes.length === 0) return
    await this.db.batch(
      writes.map((w) => ({ type: 'put' as const, sublevel: w.ns, key: w.key, value: w.value })) as never,
      SYNC,
    )
  }

  async close(): Promise<void> {
    if (this.db.status === 'open') await this.db.close()
  }
}

/** One put of a `Store.commit` batch: the namespace (a sublevel of this store), the key and the value. */
export interface StoreWrite {
  /** A sublevel of this store's db (typed loosely: sublevels of different value types do not unify). */
  ns: { readonly prefix: string }
  key: string
  value: unknown
}

/** Durable write options: acknowledged means on disk. */
// `sync` is a classic-level option; sublevels forward it to the LevelDB write. (Typed loosely: abstract-level's
// option types do not list it.)
export const SYNC = { sync: true } as { sync: true; keyEncoding?: undefined }
