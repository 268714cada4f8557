// Commands that talk to a running peer find it through --data-dir (DIR/api.json and DIR/api-token) or through
// --api URL with --token-file FILE.
import { readFile } from 'node:fs/promises'
import { BzzzError } from '../../src-shared/errors.ts'
import { ApiClient } from '../api/client.ts'
import { dataDirOf, type DataDirOptions } from './context.ts'

export interface ClientOptions extends DataDirOptions {
  api?: string
  tokenFile?: string
}

export async function clientFor(opts: ClientOptions): Promise<ApiClient> {
  if (opts.api !== undefined) {
    if (opts.tokenFile === undefined) throw new BzzzError('invalid_input', '--api needs --token-file FILE (the peer writes its token to DIR/api-token)')
    let token: string
    try {
      token = (await readFile(opts.tokenFile, 'utf8')).trim()
    } catch (err) {
      throw new BzzzError('invalid_input', `cannot read the token file ${opts.tokenFile}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`)
    }
    if (!/^https?:\/\/[^/?#\s]+\/?$/.test(opts.api)) throw new BzzzError('invalid_input', `--api expects http://HOST:PORT, not '${opts.api}'`)
    return new ApiClient({ url: opts.api, token })
  }
  return ApiClient.fromDataDir(dataDirOf(opts))
}
