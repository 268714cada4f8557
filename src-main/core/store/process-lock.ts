// One process per data directory. The lock file names its holder so a refusal can say who; a lock left by a
// crashed process (its pid is gone) is taken over with a note, not an error.
import { readFileSync } from 'node:fs'
import { readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { BzzzError } from '../../../src-shared/errors.ts'
import { writeFileExclusive } from './atomic-file.ts'

export const LOCK_FILE = 'peer.lock'

interface LockInfo {
  pid: number
  command: string
  startedAt: number
  /** The holder's start time in clock ticks since boot (Linux /proc/PID/stat), to tell a reused pid from the holder. */
  procStart?: string
}

/** A process's start time from /proc (Linux), or undefined where there is no /proc or no such process. */
function procStartOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // Field 22 (starttime), counted after the command name, which is in parentheses and may contain spaces.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]
  } catch {
    return undefined
  }
}

/** Whether a process with this pid runs; with `procStart`, whether it is that same process (pids are reused). */
export function alive(pid: number, procStart?: string): boolean {
  try {
    process.kill(pid, 0)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false
  }
  // A holder killed long ago and a new process that happens to get its pid: only on Linux can we tell them apart.
  if (procStart === undefined) return true
  const now = procStartOf(pid)
  return now === undefined || now === procStart
}

export async function readLock(dir: string): Promise<LockInfo | undefined> {
  try {
    const info = JSON.parse(await readFile(join(dir, LOCK_FILE), 'utf8')) as Partial<LockInfo>
    if (typeof info.pid !== 'number') return undefined
    return { pid: info.pid, command: String(info.command ?? 'bzzz'), startedAt: Number(info.startedAt ?? 0), ...(typeof info.procStart === 'string' ? { procStart: info.procStart } : {}) }
  } catch {
    return undefined
  }
}

/** The live process holding the directory, if any. */
export async function lockHolder(dir: string): Promise<LockInfo | undefined> {
  const info = await readLock(dir)
  return info !== undefined && info.pid !== process.pid && alive(info.pid, info.procStart) ? info : undefined
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
      const procStart = procStartOf(process.pid)
      await writeFileExclusive(path, JSON.stringify({ pid: process.pid, command, startedAt: Date.now(), ...(procStart === undefined ? {} : { procStart }) }))
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
      if (holder !== undefined && holder.pid !== process.pid && alive(holder.pid, holder.procStart)) {
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
