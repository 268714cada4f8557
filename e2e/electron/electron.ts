// The desktop app itself, through Playwright's `_electron`: the built app (electron-vite build) launched with a fresh
// data directory on a virtual display (Xvfb when there is no DISPLAY). One story: first run shows onboarding ->
// create a network in the UI -> publish -> close the window (the peer keeps running in the tray, said once) -> a
// second launch reopens the window (single instance) -> the decision is still there -> Quit closes the peer cleanly.
//
// Where the Electron binary is absent (it cannot be downloaded on our build machines: see platform-notes.md) every
// step is reported as skipped, with a line saying why. Used by e2e/run.ts (`runElectronTests()`) and standalone:
//   node e2e/electron/run.ts [--report=FILE]
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { _electron, type ElectronApplication, type Page } from 'playwright-core'
import { electronBinary } from '../../scripts/electron-binary.ts'
import { eventually, expect, runSteps, type Step, type StepResult } from '../lib/harness.ts'

const ROOT = resolve(import.meta.dirname, '../..')
const PASSPHRASE = 'electron e2e passphrase'
const TITLE = 'Ship the desktop app with a tray peer'

interface AppStory {
  bin: string
  dataDir: string
  env: Record<string, string>
  app?: ElectronApplication
  page?: Page
  problems: string[]
}

const must = <T>(v: T | undefined, what: string): T => {
  if (v === undefined) throw new Error(`${what} is missing (an earlier step failed)`)
  return v
}

async function windowState(app: ElectronApplication): Promise<{ count: number; visible: boolean }> {
  return app.evaluate(({ BrowserWindow }) => {
    const all = BrowserWindow.getAllWindows()
    return { count: all.length, visible: all[0]?.isVisible() ?? false }
  })
}

export const electronSteps: Step<AppStory>[] = [
  {
    name: 'electron: first run with a fresh data directory shows onboarding, with only call/on exposed',
    timeoutMs: 90_000,
    run: async (s) => {
      const app = await _electron.launch({ executablePath: s.bin, args: [ROOT, ...(process.getuid?.() === 0 ? ['--no-sandbox'] : [])], env: s.env, timeout: 60_000 })
      s.app = app
      const page = await app.firstWindow()
      s.page = page
      page.on('console', (m) => {
        if (/Content Security Policy|Refused to/i.test(m.text()) || m.type() === 'error') s.problems.push(m.text())
      })
      page.on('pageerror', (e) => s.problems.push(`uncaught ${e.message}`))
      page.setDefaultTimeout(20_000)
      expect(page.url().startsWith('bzzz://app/'), `the app is served from bzzz://app/, not ${page.url()}`)
      await page.getByRole('heading', { name: 'Welcome to BZZZ' }).waitFor({ timeout: 30_000 })
      const surface = await page.evaluate(() => ({
        keys: Object.keys((window as unknown as { bzzz: object }).bzzz).sort(),
        node: typeof (globalThis as { process?: unknown }).process + typeof (globalThis as { require?: unknown }).require,
      }))
      expect(JSON.stringify(surface.keys) === '["call","on"]', `window.bzzz exposes ${JSON.stringify(surface.keys)}`)
      expect(surface.node === 'undefinedundefined', `Node is reachable from the page: ${surface.node}`)
    },
  },
  {
    name: 'electron: onboarding creates a network and the peer starts',
    timeoutMs: 60_000,
    run: async (s) => {
      const page = must(s.page, 'window')
      await page.getByLabel('Network name').fill('desktop-e2e')
      await page.getByLabel('Your name in the network').fill('alice')
      await page.getByLabel('Vault passphrase').fill(PASSPHRASE)
      await page.getByLabel('Passphrase again').fill(PASSPHRASE)
      await page.getByRole('button', { name: 'Create network' }).click()
      await page.getByRole('heading', { name: 'Decisions', level: 1 }).waitFor({ timeout: 30_000 })
      await eventually('the peer is running', async () => {
        const r = await page.evaluate(() => (window as unknown as { bzzz: { call(n: string, a: object): Promise<{ ok: boolean; data?: { state: string } }> } }).bzzz.call('node.status', {}))
        return r.ok && r.data?.state === 'running'
      })
    },
  },
  {
    name: 'electron: publish a decision through IPC and see it in the list',
    run: async (s) => {
      const page = must(s.page, 'window')
      const input = { type: 'architectural', title: TITLE, body: 'The peer keeps running when the window closes.', audience: 'architect', project: 'desktop', task: 'tray' }
      const r = await page.evaluate((args) => (window as unknown as { bzzz: { call(n: string, a: object): Promise<{ ok: boolean; error?: unknown }> } }).bzzz.call('decisions.publish', args), input)
      expect(r.ok, `publish failed: ${JSON.stringify(r)}`)
      await page.getByText(TITLE).first().waitFor({ timeout: 20_000 })
    },
  },
  {
    name: 'electron: closing the window keeps the peer running in the tray and says so once',
    run: async (s) => {
      const app = must(s.app, 'app')
      await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]?.close())
      await eventually('the window is hidden, not closed', async () => {
        const w = await windowState(app)
        return w.count === 1 && !w.visible
      })
      expect(existsSync(join(s.dataDir, 'peer.lock')), 'the peer stopped when the window closed')
      const settings = JSON.parse(readFileSync(join(s.dataDir, 'desktop', 'settings.json'), 'utf8')) as { closeToTrayNoticeShown?: boolean }
      expect(settings.closeToTrayNoticeShown === true, 'the close-to-tray notice was not recorded as shown')
    },
  },
  {
    name: 'electron: a second launch reopens the window (single instance) and the decision is still there',
    timeoutMs: 60_000,
    run: async (s) => {
      const app = must(s.app, 'app')
      const second = spawnSync(s.bin, [ROOT, ...(process.getuid?.() === 0 ? ['--no-sandbox'] : [])], { env: s.env, timeout: 30_000 })
      expect(second.status === 0, `the second instance did not hand over and exit: status ${second.status}, ${second.stderr?.toString().slice(0, 300)}`)
      await eventually('the window is visible again', async () => (await windowState(app)).visible)
      await must(s.page, 'window').getByText(TITLE).first().waitFor()
    },
  },
  {
    name: 'electron: Quit stops the peer and closes the store (the data directory is released)',
    timeoutMs: 60_000,
    run: async (s) => {
      const app = must(s.app, 'app')
      const exited = new Promise<void>((r) => app.process().once('exit', () => r()))
      await app.evaluate(({ app: electronApp }) => electronApp.quit())
      await exited
      s.app = undefined
      expect(!existsSync(join(s.dataDir, 'peer.lock')), 'peer.lock is still there: the peer did not close')
    },
  },
  {
    name: 'electron: no CSP violation or error in the window',
    independent: true,
    run: async (s) => {
      expect(s.problems.length === 0, `problems in the window:\n${s.problems.join('\n')}`)
    },
  },
]

/** Why the Electron tests cannot run here, or undefined when they can. */
export function electronSkipReason(): string | undefined {
  if (electronBinary(ROOT) === undefined) {
    return 'the Electron binary is not installed (node_modules/electron/dist); it cannot be downloaded on this machine (see platform-notes.md)'
  }
  if (process.platform === 'linux' && (process.env.DISPLAY ?? '') === '' && !existsSync('/usr/bin/Xvfb')) return 'there is no display and no Xvfb (apt-get install -y xvfb)'
  return undefined
}

/** Starts Xvfb on a free display when there is none; returns the DISPLAY value and the process to stop. */
async function virtualDisplay(): Promise<{ display: string; xvfb?: ChildProcess }> {
  if (process.platform !== 'linux' || (process.env.DISPLAY ?? '') !== '') return { display: process.env.DISPLAY ?? '' }
  const xvfb = spawn('/usr/bin/Xvfb', ['-displayfd', '1', '-screen', '0', '1360x860x24', '-nolisten', 'tcp'], { stdio: ['ignore', 'pipe', 'ignore'] })
  const display = await new Promise<string>((resolveDisplay, reject) => {
    const timer = setTimeout(() => reject(new Error('Xvfb did not start within 10 s')), 10_000)
    xvfb.stdout?.once('data', (chunk: Buffer) => {
      clearTimeout(timer)
      resolveDisplay(`:${chunk.toString().trim()}`)
    })
    xvfb.once('exit', (code) => reject(new Error(`Xvfb exited (${code})`)))
  })
  return { display, xvfb }
}

/**
 * Runs the Electron story; returns one result per step (all 'pending', i.e. skipped, with the reason, when the binary
 * or a display is missing). Prints each step and a SKIPPED line with the reason.
 */
export async function runElectronTests(): Promise<StepResult[]> {
  console.log('=== e2e: the desktop app through Playwright _electron')
  const skip = electronSkipReason()
  if (skip !== undefined) {
    console.log(`SKIPPED: ${skip}. The ${electronSteps.length} Electron steps did not run.`)
    return electronSteps.map((s) => ({ title: s.name, status: 'pending', duration: 0, failureMessages: [`skipped: ${skip}`] }))
  }
  const bin = must(electronBinary(ROOT), 'Electron binary')
  const build = spawnSync(process.execPath, [join(ROOT, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], { cwd: ROOT, stdio: 'inherit' })
  if (build.status !== 0) return [{ title: 'electron: electron-vite build', status: 'failed', duration: 0, failureMessages: [`electron-vite build exited ${build.status}`] }]
  const dataDir = await mkdtemp(join(tmpdir(), 'bzzz-electron-e2e-'))
  const { display, xvfb } = await virtualDisplay()
  const env: Record<string, string> = { ...(process.env as Record<string, string>), BZZZ_DATA_DIR: dataDir, BZZZ_SCRYPT_LOG_N: '12', DISPLAY: display }
  delete env.ELECTRON_RUN_AS_NODE
  const story: AppStory = { bin, dataDir, env, problems: [] }
  try {
    return await runSteps(electronSteps, story)
  } finally {
    await story.app?.close().catch(() => undefined)
    xvfb?.kill()
    await rm(dataDir, { recursive: true, force: true }).catch(() => undefined)
  }
}
