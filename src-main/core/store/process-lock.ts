// One process per data directory. The lock file names its holder so a refusal can say who; a lock left by a
// crashed process (its pid is gone) is taken over with a note, not an error.
import { readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { BzzzError } from '../../../src-shared/errors.ts'
import { writeFileExclusive } from './atomic-file.ts'

export const LOCK_FILE = 'peer.lock'

interface LockInfo {
  pid: number
  command: string
  startedAt: number
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

export async function readLock(dir: string): Promise<LockInfo | undefined> {
  try {
    const info = JSON.parse(await readFile(join(dir, LOCK_FILE), 'utf8')) as Partial<LockInfo>
    if (typeof info.pid !== 'number') return undefined
    return { pid: info.pid, command: String(info.command ?? 'bzzz'), startedAt: Number(info.startedAt ?? 0) }
  } catch {
    return undefined
  }
}

/** The live process holding the directory, if any. */
export async function lockHolder(dir: string): Promise<LockInfo | undefined> {
  const info = await readLock(dir)
  return info !== undefined && info.pid !== process.pid && alive(info.pid) ? info : undefined
}

export interface ProcessLock {
  release(): Promise<void>
  /** Set when a stale lock of a crashed process was taken over. */
  staleFrom?: LockInfo
}

export async function acquireProcessLock(dir: string, command: string): Promise<ProcessLock> {
  const path = join(dir, LOCK_FILE)
  let staleFrom: LockInfo | undefined
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await writeFileExclusive(path, JSON.stringify({ pid: process.pid, command, startedAt: Date.now() }))
      const lock: ProcessLock = {
        release: async () => {
          const current = await readLock(dir)
          if (current?.pid === process.pid) await rm(path, { force: true })
        },
      }
      if (staleFrom !== undefined) lock.staleFrom = staleFrom
      return lock
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      const holder = await readLock(dir)
      if (holder !== undefined && holder.pid !== process.pid && alive(holder.pid)) {
        throw new BzzzError(
          'conflict',
          `${dir} is in use by another bzzz process (pid ${holder.pid}, '${holder.command}', started ${new Date(holder.startedAt).toISOString()}); stop it first or use its API`,
        )
      }
      staleFrom = holder
      await rm(path, { force: true })
    }
  }
  throw new BzzzError('conflict', `could not lock ${dir}; another process keeps taking it`)
}
