import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { LevelDatastore } from 'datastore-level'
import { Key } from 'interface-datastore'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { cachePeerRecords } from './peer-record-cache.ts'

let dir: string
let level: LevelDatastore
const bytes = (s: string) => new TextEncoder().encode(s)
const text = (b: Uint8Array) => new TextDecoder().decode(b)

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bzzz-peer-cache-'))
  level = new LevelDatastore(dir)
  await level.open()
})
afterEach(async () => {
  await level.close()
  await rm(dir, { recursive: true, force: true })
})

async function collect(it: AsyncIterable<{ key: Key; value: Uint8Array }>): Promise<string[]> {
  const out: string[] = []
  for await (const { key, value } of it) out.push(`${key.toString()}=${text(value)}`)
  return out.sort()
}

describe('cachePeerRecords', () => {
  it('keeps peer records in memory and writes them behind, on flush and on stop', async () => {
    const cache = cachePeerRecords(level, { flushMs: 3_600_000 })
    await cache.datastore.put(new Key('/peers/a'), bytes('1'))
    await cache.datastore.put(new Key('/peers/a'), bytes('2'))
    expect(text(await cache.datastore.get(new Key('/peers/a')))).toBe('2')
    expect(await level.has(new Key('/peers/a'))).toBe(false) // not written yet
    await cache.flush()
    expect(text(await level.get(new Key('/peers/a')))).toBe('2')
    await cache.datastore.put(new Key('/peers/b'), bytes('3'))
    await cache.stop()
    expect(text(await level.get(new Key('/peers/b')))).toBe('3')
  })

  it('reads through what is on disk, and deletes behind', async () => {
    await level.put(new Key('/peers/old'), bytes('disk'))
    const cache = cachePeerRecords(level, { flushMs: 3_600_000 })
    expect(text(await cache.datastore.get(new Key('/peers/old')))).toBe('disk')
    expect(await cache.datastore.has(new Key('/peers/old'))).toBe(true)
    await cache.datastore.delete(new Key('/peers/old'))
    expect(await cache.datastore.has(new Key('/peers/old'))).toBe(false)
    await expect(cache.datastore.get(new Key('/peers/old'))).rejects.toMatchObject({ name: 'NotFoundError' })
    expect(await level.has(new Key('/peers/old'))).toBe(true)
    await cache.stop()
    expect(await level.has(new Key('/peers/old'))).toBe(false)
  })

  it('keeps at most maxEntries records in memory, evicting only written ones, and reads evicted ones back from disk', async () => {
    const cache = cachePeerRecords(level, { flushMs: 3_600_000, maxEntries: 2 })
    for (const id of ['a', 'b', 'c']) await cache.datastore.put(new Key(`/peers/${id}`), bytes(id))
    // Nothing written yet: nothing may be evicted.
    expect(await level.has(new Key('/peers/a'))).toBe(false)
    expect(text(await cache.datastore.get(new Key('/peers/a')))).toBe('a')
    await cache.flush()
    await cache.datastore.put(new Key('/peers/d'), bytes('d')) // over the cap: the least recently used written go
    await level.put(new Key('/peers/b'), bytes('b on disk')) // visible only if b was evicted
    expect(text(await cache.datastore.get(new Key('/peers/b')))).toBe('b on disk')
    expect(text(await cache.datastore.get(new Key('/peers/d')))).toBe('d')
    await cache.stop()
  })

  it('a put while a read-through waits on disk is not overwritten by the older bytes read', async () => {
    await level.put(new Key('/peers/x'), bytes('old'))
    const cache = cachePeerRecords(level, { flushMs: 3_600_000 })
    const reading = cache.datastore.get(new Key('/peers/x'))
    await cache.datastore.put(new Key('/peers/x'), bytes('new'))
    await reading
    expect(text(await cache.datastore.get(new Key('/peers/x')))).toBe('new')
    await cache.stop()
  })

  it('after stop, writes go straight to the store', async () => {
    const cache = cachePeerRecords(level, { flushMs: 3_600_000 })
    await cache.stop()
    await cache.datastore.put(new Key('/peers/late'), bytes('late'))
    expect(text(await level.get(new Key('/peers/late')))).toBe('late')
  })

  it('writes through everything that is not a peer record (the DHT records)', async () => {
    const cache = cachePeerRecords(level, { flushMs: 3_600_000 })
    await cache.datastore.put(new Key('/bzzz-dht/record/x'), bytes('r'))
    expect(text(await level.get(new Key('/bzzz-dht/record/x')))).toBe('r')
    await cache.stop()
  })

  it('a query sees what is only in memory', async () => {
    await level.put(new Key('/peers/a'), bytes('disk'))
    const cache = cachePeerRecords(level, { flushMs: 3_600_000 })
    await cache.datastore.put(new Key('/peers/b'), bytes('mem'))
    await cache.datastore.delete(new Key('/peers/a'))
    expect(await collect(cache.datastore.query({ prefix: '/peers/' }) as AsyncIterable<{ key: Key; value: Uint8Array }>)).toEqual(['/peers/b=mem'])
    await cache.stop()
  })
})
