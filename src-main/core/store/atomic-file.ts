// Whole-file writes that survive a kill at any moment: write a temporary sibling, fsync it, rename over the
// target, fsync the directory. A reader sees the old file or the new one, never half of either.
import { randomBytes } from 'node:crypto'
import { link, open, rename, rm } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'

export async function writeFileAtomic(path: string, data: Uint8Array | string, mode = 0o600): Promise<void> {
  const tmp = await writeTemporarySibling(path, data, mode)
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
