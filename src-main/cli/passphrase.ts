// Where a passphrase comes from: --passphrase-file FILE, then BZZZ_PASSPHRASE, then a hidden prompt on a terminal.
import { readFile } from 'node:fs/promises'
import { createInterface } from 'node:readline'
import { Writable } from 'node:stream'
import { BzzzError } from '../../src-shared/errors.ts'

export interface PassphraseOptions {
  passphraseFile?: string
}

async function prompt(question: string): Promise<string> {
  let muted = false
  const output = new Writable({
    write(chunk, _enc, done) {
      if (!muted) process.stderr.write(chunk)
      done()
    },
  })
  const rl = createInterface({ input: process.stdin, output, terminal: true })
  try {
    return await new Promise<string>((resolve) => {
      rl.question(question, (answer) => resolve(answer))
      muted = true
    })
  } finally {
    rl.close()
    process.stderr.write('\n')
  }
}

export async function readPassphrase(opts: PassphraseOptions, purpose: { confirm?: boolean } = {}): Promise<string> {
  if (opts.passphraseFile !== undefined) {
    let text: string
    try {
      text = await readFile(opts.passphraseFile, 'utf8')
    } catch (err) {
      throw new BzzzError('invalid_input', `cannot read the passphrase file ${opts.passphraseFile}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`)
    }
    const first = text.split(/\r?\n/)[0] ?? ''
    if (first.length === 0) throw new BzzzError('invalid_input', `the passphrase file ${opts.passphraseFile} is empty`)
    return first
  }
  const env = process.env.BZZZ_PASSPHRASE
  if (env !== undefined && env !== '') return env
  if (!process.stdin.isTTY) throw new BzzzError('invalid_input', 'a passphrase is needed: pass --passphrase-file FILE or set BZZZ_PASSPHRASE (no terminal to prompt on)')
  const first = await prompt('Passphrase: ')
  if (purpose.confirm) {
    const again = await prompt('Repeat the passphrase: ')
    if (again !== first) throw new BzzzError('invalid_input', 'the two passphrases differ; nothing was written')
  }
  return first
}
