// Whole-file writes that survive a kill at any moment: write a temporary sibling, fsync it, rename over the
// target, fsync the directory. A reader sees the old file or the new one, never half of either.
import { randomBytes } from 'node:crypto'
import { link, open, readdir, rename, rm } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'

/** `beforeRename` runs between the synced temporary file and the rename (the vault's crash point). */
export async function writeFileAtomic(path: string, data: Uint8Array | string, mode = 0o600, beforeRename?: () => void): Promise<void> {
  const tmp = await writeTemporarySibling(path, data, mode)
  beforeRename?.()
  try {
    await rename(tmp, path)
  } catch (err) {
    await rm(tmp, { force: true })
    throw err
  }
  await syncDirectory(dirname(path))
}

/**
 * Like writeFileAtomic, but never replaces an existing file (a second writer gets EEXIST): the complete file is
 * hard-linked into place, so a reader, or a kill at any moment, sees no file or the whole of it.
 */
export async function writeFileAtomicExclusive(path: string, data: Uint8Array | string, mode = 0o600): Promise<void> {
  const tmp = await writeTemporarySibling(path, data, mode)
  try {
    await link(tmp, path)
  } finally {
    await rm(tmp, { force: true })
  }
  await syncDirectory(dirname(path))
}

async function writeTemporarySibling(path: string, data: Uint8Array | string, mode: number): Promise<string> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`)
  const fh = await open(tmp, 'wx', mode)
  try {
    await fh.writeFile(data)
    await fh.sync()
  } catch (err) {
    await fh.close()
    await rm(tmp, { force: true })
    throw err
  }
  await fh.close()
  return tmp
}

/** Creates the file only if it does not exist yet (a second writer gets EEXIST), durably. */
export async function writeFileExclusive(path: string, data: Uint8Array | string, mode = 0o600): Promise<void> {
  const fh = await open(path, 'wx', mode)
  try {
    await fh.writeFile(data)
    await fh.sync()
  } finally {
    await fh.close()
  }
  await syncDirectory(dirname(path))
}

export async function syncDirectory(dir: string): Promise<void> {
  // Windows cannot open a directory for fsync; rename there is already durable enough for our purpose.
  if (process.platform === 'win32') return
  const fh = await open(dir, 'r')
  try {
    await fh.sync()
  } finally {
    await fh.close()
  }
}

/**
 * Removes temporary files a killed writer left in `dir` (`.NAME.PID.RANDOM.tmp` of a process that is gone): a kill
 * between the temporary file and the rename leaves the target intact and this behind. Call with the directory locked.
 */
export async function removeStaleTemporaries(dir: string, isAlive: (pid: number) => boolean): Promise<string[]> {
  const removed: string[] = []
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const m = /^\..+\.(\d+)\.[0-9a-f]{8}\.tmp$/.exec(name)
    if (m === null || Number(m[1]) === process.pid || isAlive(Number(m[1]))) continue
    await rm(join(dir, name), { force: true })
    removed.push(name)
  }
  return removed
}
