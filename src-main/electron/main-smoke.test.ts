// main.ts itself, run under plain Node with a fake 'electron' (testing/fake-electron.ts) and driven by
// testing/smoke-scenario.ts: proves the composition (IPC from the tables, sender check, the core from BZZZ_DATA_DIR,
// the supervisor, settings, safeStorage, hardening hooks, close to tray, single instance, Quit from the tray and the
// clean shutdown) without the Electron binary. What only real Electron can show is in e2e/electron/.
import { spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { CALL_NAMES } from '../../src-shared/contract/calls.ts'
import { DESKTOP_CALL_NAMES } from '../../src-shared/contract/desktop.ts'

const here = import.meta.dirname
const root = join(here, '../..')

function runMain(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', join(here, 'testing/electron-hooks.ts'), join(here, 'main.ts')], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    const timer = setTimeout(() => child.kill('SIGKILL'), 50_000)
    child.on('exit', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })
}

describe('main process on a fake Electron', () => {
  it('starts the core from the data directory, answers the window, hardens it, keeps running in the tray, quits cleanly', async () => {
    const home = await mkdtemp(join(tmpdir(), 'bzzz-main-smoke-'))
    const dataDir = join(home, 'peer')
    const { code, stdout, stderr } = await runMain({
      FAKE_ELECTRON_HOME: home,
      FAKE_ELECTRON_SCENARIO: join(here, 'testing/smoke-scenario.ts'),
      BZZZ_DATA_DIR: dataDir,
      BZZZ_SCRYPT_LOG_N: '10',
      BZZZ_MDNS: 'false',
      BZZZ_LISTEN: '/ip4/127.0.0.1/tcp/0',
    })
    const line = stdout.split('\n').find((l) => l.startsWith('SMOKE'))
    expect(line, `no report; stdout:\n${stdout.slice(-3000)}\nstderr:\n${stderr.slice(-3000)}`).toMatch(/^SMOKE /)
    const r = JSON.parse(line!.slice('SMOKE '.length)) as Record<string, any>

    expect(r.channels).toBe(CALL_NAMES.length + DESKTOP_CALL_NAMES.length)
    expect(r.url).toBe('bzzz://app/index.html')
    expect(r.servesScheme).toBe(true)
    expect(r.privileged).toEqual([{ scheme: 'bzzz', privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } }])
    expect(r.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webviewTag: false })
    expect(r.webPreferences.preload).toMatch(/preload[/\\]index\.cjs$/)

    expect(r.statusBefore).toMatchObject({ ok: true, data: { vault: 'absent' } })
    expect(r.stranger).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    expect(r.created).toMatchObject({ ok: true, data: { vault: 'unlocked', member: { name: 'alice' } } })
    expect(r.published).toMatchObject({ ok: true, data: { address: expect.stringContaining('alice/admin/smoke/main') } })
    expect(r.settings).toMatchObject({ ok: true, data: { rememberUnlock: true, theme: 'dark' } })
    expect(r.themeSource).toBe('dark')

    expect(r.permission).toBe(false)
    expect(r.permissionCheck).toBe(false)
    expect(r.linkClick).toEqual({ action: 'deny' })
    expect(r.scriptOpen).toEqual({ action: 'deny' })
    expect(r.prevented).toEqual(['navigate', 'webview'])
    expect(r.recorded.filter((w: string) => w === 'openExternal')).toHaveLength(1) // the click, not the script

    expect(r.afterClose).toEqual({ visible: false, destroyed: false })
    expect(r.notifications.filter((t: string) => t === 'BZZZ is still running')).toHaveLength(1)
    expect(r.afterSecondInstance).toBe(true)
    expect(r.trayTooltip).toMatch(/^BZZZ — Admin · connected to 0 peers/)
    expect(r.trayMenu).toEqual(['Admin · connected to 0 peers', 'separator', 'Open BZZZ', 'Pause peer', 'separator', 'Launch at login', 'separator', 'Quit BZZZ'])

    // Quit: tray removed, then exit, with the peer closed and the directory released.
    expect(r.exit).toBe(0)
    expect(r.recorded.indexOf('tray.destroy')).toBeLessThan(r.recorded.indexOf('exit'))
    expect(code).toBe(0)
    expect(existsSync(join(dataDir, 'peer.lock'))).toBe(false)
    const settings = JSON.parse(readFileSync(join(dataDir, 'desktop', 'settings.json'), 'utf8')) as Record<string, unknown>
    expect(settings).toMatchObject({ closeToTrayNoticeShown: true, theme: 'dark', rememberUnlock: true, rememberedKey: expect.any(String) })
    expect(stdout).toContain('"msg":"shutdown: close the peer (network, vault, store, lock)"')

    // The next start unlocks with the key kept by (fake) safeStorage: no passphrase asked.
    const again = await runMain({ FAKE_ELECTRON_HOME: home, FAKE_ELECTRON_SCENARIO: join(here, 'testing/smoke-scenario.ts'), FAKE_ELECTRON_SCENARIO_MODE: 'restart', BZZZ_DATA_DIR: dataDir, BZZZ_MDNS: 'false', BZZZ_LISTEN: '/ip4/127.0.0.1/tcp/0' })
    const restarted = JSON.parse(again.stdout.split('\n').find((l) => l.startsWith('SMOKE '))?.slice(6) ?? '{}') as Record<string, any>
    expect(restarted.statusBefore, again.stderr.slice(-2000)).toMatchObject({ ok: true, data: { vault: 'unlocked', member: { name: 'alice' } } })
    expect(again.code).toBe(0)
  }, 90_000)
})
