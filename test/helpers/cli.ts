// Runs the real `bzzz` command line in a child process, as a user or a script would.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

export const CLI = resolve(import.meta.dirname, '../../src-main/cli/main.ts')

export interface CliResult {
  code: number | null
  stdout: Buffer
  stderr: string
}

export function runBzzz(args: string[], opts: { input?: string | Uint8Array; env?: Record<string, string>; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { ...process.env, BZZZ_SCRYPT_LOG_N: '12', BZZZ_PASSPHRASE: '', ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    const out: Buffer[] = []
    const err: Buffer[] = []
    child.stdout.on('data', (d: Buffer) => out.push(d))
    child.stderr.on('data', (d: Buffer) => err.push(d))
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 20_000)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolvePromise({ code, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString() })
    })
    child.stdin.end(opts.input ?? '')
  })
}

export async function tempDir(prefix = 'bzzz-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix))
}

export async function passphraseFile(dir: string, passphrase = 'correct horse battery'): Promise<string> {
  const path = join(dir, 'passphrase')
  await writeFile(path, `${passphrase}\n`, { mode: 0o600 })
  return path
}

export interface PeerProcess {
  child: ChildProcess
  dir: string
  url: string
  token: string
  logs: Record<string, unknown>[]
  stderr: () => string
  /** GET/POST against the peer's API with its token. */
  api: (method: string, path: string, body?: unknown) => Promise<{ status: number; json: any }>
  listenAddrs: () => Promise<string[]>
  exited: Promise<number | null>
}

/** Starts `bzzz peer` in a child process and waits until its API answers. */
export async function spawnPeer(dir: string, args: string[], opts: { env?: Record<string, string>; passphraseFile?: string } = {}): Promise<PeerProcess> {
  const { spawn } = await import('node:child_process')
  const { readFile, rm } = await import('node:fs/promises')
  await rm(join(dir, 'api.json'), { force: true })
  const child = spawn(process.execPath, [CLI, 'peer', '--data-dir', dir, '--no-mdns', ...(opts.passphraseFile ? ['--passphrase-file', opts.passphraseFile] : []), ...args], {
    env: { ...process.env, BZZZ_SCRYPT_LOG_N: '12', BZZZ_PASSPHRASE: '', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const logs: Record<string, unknown>[] = []
  let buffered = ''
  let errText = ''
  child.stdout!.on('data', (d: Buffer) => {
    buffered += d.toString()
    let nl: number
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl)
      buffered = buffered.slice(nl + 1)
      try {
        logs.push(JSON.parse(line) as Record<string, unknown>)
      } catch {
        logs.push({ unparsed: line })
      }
    }
  })
  child.stderr!.on('data', (d: Buffer) => (errText += d.toString()))
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  const end = Date.now() + 20_000
  let info: { url: string } | undefined
  while (info === undefined) {
    if (child.exitCode !== null) throw new Error(`bzzz peer exited with ${child.exitCode}: ${errText}`)
    if (Date.now() > end) {
      child.kill('SIGKILL')
      throw new Error(`bzzz peer did not start within 20 s: ${errText}`)
    }
    try {
      info = JSON.parse(await readFile(join(dir, 'api.json'), 'utf8')) as { url: string }
    } catch {
      await new Promise((r) => setTimeout(r, 50))
    }
  }
  const token = (await readFile(join(dir, 'api-token'), 'utf8')).trim()
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(info.url + path, { method, headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) })
    return { status: res.status, json: (await res.json()) as any }
  }
  return {
    child,
    dir,
    url: info.url,
    token,
    logs,
    stderr: () => errText,
    api,
    listenAddrs: async () => ((await api('GET', '/api/status')).json.listenAddrs as string[]).filter((a) => a.includes('/ip4/127.0.0.1/')),
    exited,
  }
}
