// Commands that work on a stopped peer as well as on a running one (audit, config): with --api, or when a live process
// holds the data directory, they go through that peer's API (the contract's permission checks apply); otherwise they
// open the data directory in this process. Locally there is no member to check: whoever can run this can read and
// edit the directory's files anyway.
import { stat } from 'node:fs/promises'
import { resolve } from 'node:path'
import { BzzzError } from '../../src-shared/errors.ts'
import type { ApiClient } from '../api/client.ts'
import { lockHolder } from '../core/store/process-lock.ts'
import { clientFor, type ClientOptions } from './client.ts'
import { dataDirOf } from './context.ts'

export type Target = { kind: 'api'; client: ApiClient } | { kind: 'local'; dataDir: string }

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory()
  } catch {
    return false
  }
}

export async function targetOf(opts: ClientOptions): Promise<Target> {
  if (opts.api !== undefined) return { kind: 'api', client: await clientFor(opts) }
  const dataDir = resolve(dataDirOf(opts))
  const holder = await lockHolder(dataDir)
  if (holder === undefined) {
    if (!(await isDirectory(dataDir))) throw new BzzzError('not_found', `no data directory at ${dataDir}; create one with 'bzzz init' or 'bzzz join', or pass --data-dir`)
    return { kind: 'local', dataDir }
  }
  try {
    return { kind: 'api', client: await clientFor(opts) }
  } catch (err) {
    if (err instanceof BzzzError && err.code === 'unavailable') {
      throw new BzzzError('conflict', `${dataDir} is in use by pid ${holder.pid} ('${holder.command}'), which serves no API here; stop it or try again once it is up`)
    }
    throw err
  }
}
