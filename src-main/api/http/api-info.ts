// DIR/api.json tells local tools where the running peer's HTTP API listens: { "url": "http://127.0.0.1:PORT", "pid": N }.
// The running peer writes it after the server listens and removes it on shutdown; ApiClient.fromDataDir reads it.
import { readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'
import { BzzzError } from '../../../src-shared/errors.ts'
import { writeFileAtomic } from '../../core/store/atomic-file.ts'

export const API_INFO_FILE = 'api.json'

export const apiInfoSchema = z.object({
  url: z.string().regex(/^https?:\/\/[^/?#\s]+$/, 'expected http://HOST:PORT'),
  pid: z.number().int().positive(),
})
export type ApiInfo = z.infer<typeof apiInfoSchema>

export async function writeApiInfo(dataDir: string, info: ApiInfo): Promise<void> {
  await writeFileAtomic(join(dataDir, API_INFO_FILE), `${JSON.stringify(apiInfoSchema.parse(info))}\n`, 0o600)
}

/** Removes DIR/api.json if it still names this process (a newer peer may have replaced it). */
export async function removeApiInfo(dataDir: string, pid: number = process.pid): Promise<void> {
  const info = await readApiInfo(dataDir).catch(() => undefined)
  if (info !== undefined && info.pid !== pid) return
  await rm(join(dataDir, API_INFO_FILE), { force: true })
}

/** DIR/api.json, or undefined when it does not exist; `invalid_input` when it is not what a peer writes. */
export async function readApiInfo(dataDir: string): Promise<ApiInfo | undefined> {
  const path = join(dataDir, API_INFO_FILE)
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') return undefined
    throw err
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    json = undefined
  }
  const parsed = apiInfoSchema.safeParse(json)
  if (!parsed.success) throw new BzzzError('invalid_input', `${path} is malformed; stop the peer, delete the file and start the peer again`)
  return parsed.data
}

/** Whether a process with this id exists (EPERM means it exists but belongs to someone else). */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException | undefined)?.code === 'EPERM'
  }
}
