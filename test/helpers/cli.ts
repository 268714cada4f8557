// Runs the real `bzzz` command line in a child process, as a user or a script would.
import { spawn } from 'node:child_process'
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
