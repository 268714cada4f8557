// Local copies of every signed record this peer holds, by DHT key. Reads are served from here first; the
// republisher puts them back into the DHT before they expire there.
import type { Store } from '../store/store.ts'
import { SYNC, type StoreWrite } from '../store/store.ts'

export class RecordStore {
  private readonly db

  constructor(store: Store) {
    this.db = store.bytes('records')
  }

  get(key: string): Promise<Uint8Array | undefined> {
    return this.db.get(key)
  }

  /** Durable: resolved means on disk. */
  put(key: string, bytes: Uint8Array): Promise<void> {
    return this.db.put(key, bytes, SYNC)
  }

  /** The same put as part of a `Store.commit` batch. */
  write(key: string, bytes: Uint8Array): StoreWrite {
    return { ns: this.db, key, value: bytes }
  }

  async has(key: string): Promise<boolean> {
    return (await this.db.get(key)) !== undefined
  }

  async *entries(): AsyncGenerator<[string, Uint8Array]> {
    for await (const entry of this.db.iterator()) yield entry
  }

  async count(): Promise<number> {
    let n = 0
    for await (const _ of this.db.keys()) n++
    return n
  }
}
