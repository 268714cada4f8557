// npm start without Electron: the headless peer on an existing data directory starts locked, prints the link, and
// the browser's unlock screen unlocks it (a wrong passphrase is refused where it was typed).
import { spawn } from 'node:child_process'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { passphraseFile, runBzzz } from '../../test/helpers/cli.ts'
import type { Step } from '../lib/harness.ts'
import { eventually, expect } from '../lib/harness.ts'
import { PASSPHRASE } from '../lib/peers.ts'
import { ROOT } from '../../scripts/ui-build.ts'
import { shot, type Story } from './context.ts'

export const npmStartSteps: Step<Story>[] = [
  {
    name: 'npm start (headless) starts a locked peer and the browser unlocks it',
    independent: true,
    timeoutMs: 60_000,
    run: async (story) => {
      const dir = join(story.fleet.root, 'zoe')
      const init = await runBzzz(['init', '--data-dir', dir, '--network', 'solo', '--name', 'zoe', '--passphrase-file', await passphraseFile(story.fleet.root, PASSPHRASE)])
      expect(init.code === 0, `bzzz init failed: ${init.stderr}`)
      await writeFile(join(dir, 'config.json'), JSON.stringify({ listen: ['/ip4/127.0.0.1/tcp/0'], mdns: false }))
      // The headless branch of scripts/start.ts, whether or not this machine has an Electron binary.
      const child = spawn(process.execPath, ['--input-type=module', '-e', "const m = await import('./scripts/start-headless.ts'); await m.startHeadless()"], {
        cwd: ROOT,
        env: { ...process.env, BZZZ_DATA_DIR: dir, BZZZ_SCRYPT_LOG_N: '12', BZZZ_PASSPHRASE: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      let out = ''
      child.stdout.on('data', (d: Buffer) => (out += d.toString()))
      child.stderr.on('data', (d: Buffer) => (out += d.toString()))
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
      try {
        await eventually('the printed link', () => /Open\s+http:\/\/127\.0\.0\.1:\d+\/#token=\S+/.test(out), 30_000)
        expect(out.includes('The vault is locked: unlock it in the browser'), `npm start output:\n${out}`)
        const link = /Open\s+(http:\/\/127\.0\.0\.1:\d+\/#token=\S+)/.exec(out)![1]!
        const page = await story.browser.page('zoe')
        await page.goto(link)
        await page.getByRole('heading', { name: 'Unlock your vault' }).waitFor()
        await page.getByLabel('Passphrase').fill('not the passphrase')
        await page.getByRole('button', { name: 'Unlock' }).click()
        await page.getByText('wrong passphrase; try again').waitFor()
        await shot(story, page, 'unlock-wrong-passphrase')
        await page.getByLabel('Passphrase').fill(PASSPHRASE)
        await page.getByRole('button', { name: 'Unlock' }).click()
        await page.getByRole('heading', { name: 'Decisions', level: 1 }).waitFor()
        await page.getByText('zoe').first().waitFor()
        await page.context().close()
      } finally {
        child.kill('SIGTERM')
        const code = await exited
        expect(code === 0, `npm start exited with ${code}:\n${out}`)
      }
      expect(out.includes('peer stopped'), `no clean stop:\n${out}`)
    },
  },
]
