// The local API token: 32 random bytes, base64url, in DIR/api-token (mode 0600). Whoever can read the data directory
// can call the peer's HTTP API; nobody else can. Created once, race-safe between processes.
import { randomBytes } from 'node:crypto'
import { mkdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { BzzzError } from '../../src-shared/errors.ts'
import { writeFileAtomicExclusive } from '../core/store/atomic-file.ts'

export const API_TOKEN_FILE = 'api-token'
/** base64url, at least 256 bits (43 characters); longer tokens written by hand are accepted. */
const TOKEN_RE = /^[A-Za-z0-9_-]{43,512}$/

function malformed(path: string, why: string): BzzzError {
  return new BzzzError('invalid_input', `the API token file ${path} ${why}; delete it and restart the peer to generate a new token`)
}

function isNotFound(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | undefined)?.code === 'ENOENT'
}

type TokenFile = { state: 'missing' } | { state: 'empty'; path: string } | { state: 'ok'; token: string }

async function readTokenFile(dataDir: string): Promise<TokenFile> {
  const path = join(dataDir, API_TOKEN_FILE)
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    if (isNotFound(err)) return { state: 'missing' }
    throw err
  }
  const token = text.trim()
  if (token.length === 0) return { state: 'empty', path }
  if (!TOKEN_RE.test(token)) throw malformed(path, 'is malformed (expected at least 43 base64url characters)')
  return { state: 'ok', token }
}

/** The token in DIR/api-token, or undefined when there is no such file; `invalid_input` when it is empty or malformed. */
export async function readApiToken(dataDir: string): Promise<string | undefined> {
  const file = await readTokenFile(dataDir)
  if (file.state === 'empty') throw malformed(file.path, 'is empty')
  return file.state === 'ok' ? file.token : undefined
}

/** Reads DIR/api-token, or creates it (32 random bytes, base64url, mode 0600) when it does not exist yet. */
export async function loadOrCreateApiToken(dataDir: string): Promise<string> {
  const first = await readTokenFile(dataDir)
  if (first.state === 'ok') return first.token
  if (first.state === 'missing') {
    await mkdir(dataDir, { recursive: true, mode: 0o700 })
    const token = randomBytes(32).toString('base64url')
    try {
      await writeFileAtomicExclusive(join(dataDir, API_TOKEN_FILE), `${token}\n`, 0o600)
      return token
    } catch (err) {
      if ((err as NodeJS.ErrnoException | undefined)?.code !== 'EEXIST') throw err
    }
  }
  // Another process created the file first and its write may still be in flight: an empty file gets a moment.
  for (let attempt = 0; attempt < 40; attempt++) {
    const file = await readTokenFile(dataDir)
    if (file.state === 'ok') return file.token
    if (file.state === 'missing') break
    await new Promise((r) => setTimeout(r, 25))
  }
  const last = await readApiToken(dataDir)
  if (last !== undefined) return last
  throw new BzzzError('conflict', `the API token file in ${dataDir} disappeared while it was being created; start the peer again`)
}
