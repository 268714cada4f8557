// The desktop shell with a real Peer in a temporary directory, a fake ipcMain, fake ports (window, tray,
// notifications) and a fake safeStorage: first run -> onboarding -> publish -> close to tray -> quit, the remembered
// unlock across a restart, start-up failures, notifications that open the right screen, pause/resume, and the
// shutdown order.
import { existsSync } from 'node:fs'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { callChannel, type BridgeMessage } from '../../src-shared/contract/bridge.ts'
import { Peer } from '../core/peer.ts'
import { registerIpc } from './ipc.ts'
import { RememberUnlock } from './remember-unlock.ts'
import { SettingsService, type KeyValueStore } from './settings.ts'
import { CLOSE_TO_TRAY_NOTICE, DesktopShell, type ShellPorts } from './shell.ts'
import { FakeIpcMain, fakeSafeStorage, memoryStore, windowEvent } from './testing/fakes.ts'
import type { TrayView } from './tray-state.ts'

const PASS = 'correct horse battery'
const open: DesktopShell[] = []

function fakePorts() {
  const calls: string[] = []
  const sent: BridgeMessage[] = []
  const notices: { title: string; body: string; onClick?: () => void }[] = []
  let tray: TrayView | undefined
  const ports: ShellPorts = {
    showWindow: () => void calls.push('showWindow'),
    hideWindow: () => void calls.push('hideWindow'),
    sendToWindow: (m) => void sent.push(m),
    renderTray: (view) => void (tray = view),
    destroyTray: () => void calls.push('destroyTray'),
    notify: (n) => void notices.push(n),
    setLoginItem: (v) => void calls.push(`setLoginItem:${v}`),
    setTheme: (t) => void calls.push(`setTheme:${t}`),
    requestQuit: () => void calls.push('requestQuit'),
    exit: (code) => void calls.push(`exit:${code}`),
  }
  return { ports, calls, sent, notices, tray: () => tray }
}

function makeShell(opts: { dir: string; store?: KeyValueStore; backend?: string; openPeer?: () => Promise<Peer> }) {
  const ipc = new FakeIpcMain()
  const fake = fakePorts()
  const settings = new SettingsService(opts.store ?? memoryStore())
  const log = vi.fn()
  const remember = new RememberUnlock({ safe: fakeSafeStorage({ backend: opts.backend ?? 'gnome_libsecret' }), platform: 'linux', settings, log })
  const order: string[] = []
  const shell = new DesktopShell({
    openPeer: opts.openPeer ?? (() => Peer.open({ dataDir: opts.dir, command: 'desktop test', config: { listen: ['/ip4/127.0.0.1/tcp/0'], mdns: false } })),
    settings,
    remember,
    ports: { ...fake.ports, exit: (c) => (order.push('exit'), fake.ports.exit(c)), destroyTray: () => (order.push('destroyTray'), fake.ports.destroyTray()) },
    log,
    registerIpc: (deps) => {
      const reg = registerIpc(ipc, { ...deps, trusted: () => ({ webContentsId: 7, origin: 'bzzz://app' }) })
      return { ...reg, dispose: () => (order.push('ipc disposed'), reg.dispose()), drain: (ms) => (order.push('drained'), reg.drain(ms)) }
    },
  })
  open.push(shell)
  const call = (name: string, args: unknown = {}) => ipc.invoke(callChannel(name), windowEvent(), args) as Promise<{ ok: boolean; data?: any; error?: any }>
  return { shell, ipc, call, settings, order, log, ...fake }
}

let dir: string
beforeEach(async () => {
  vi.stubEnv('BZZZ_SCRYPT_LOG_N', '10')
  dir = await mkdtemp(join(tmpdir(), 'bzzz-shell-'))
})
afterEach(async () => {
  for (const s of open.splice(0)) await s.quit()
  vi.unstubAllEnvs()
})

describe('desktop shell', () => {
  it('first run -> onboarding -> publish -> close to tray (said once) -> quit in order', async () => {
    const t = makeShell({ dir })
    await t.shell.start()
    expect(t.calls).toContain('setTheme:system')
    expect(t.tray()?.kind).toBe('setup')
    expect(await t.call('node.status')).toMatchObject({ ok: true, data: { vault: 'absent', state: 'stopped' } })

    const created = await t.call('network.create', { networkName: 'acme', memberName: 'alice', passphrase: PASS })
    expect(created).toMatchObject({ ok: true, data: { vault: 'unlocked' } })
    // The shared supervisor starts the network once onboarding gave the peer a roster.
    await vi.waitFor(() => expect(t.tray()?.kind).toBe('admin'), { timeout: 15_000 })
    expect(t.sent.some((m) => m.type === 'node.status' && m.payload.state === 'running')).toBe(true)

    const published = await t.call('decisions.publish', { type: 'architectural', title: 'Use LevelDB', body: 'Because.', audience: 'architect', project: 'bzzz', task: 'storage' })
    expect(published).toMatchObject({ ok: true, data: { address: expect.stringContaining('alice/admin/bzzz/storage') } })
    expect(await t.call('decisions.list', {})).toMatchObject({ ok: true, data: { total: 1 } })

    expect(t.shell.onWindowClose()).toBe('hide')
    expect(t.shell.onWindowClose()).toBe('hide')
    expect(t.calls.filter((c) => c === 'hideWindow')).toHaveLength(2)
    expect(t.notices.filter((n) => n.title === CLOSE_TO_TRAY_NOTICE.title)).toHaveLength(1)
    expect(t.settings.get().closeToTrayNoticeShown).toBe(true)
    expect(t.shell.peer?.network).toBeDefined() // still serving the network from the tray

    await t.shell.onMenu('quit')
    expect(t.calls).toContain('requestQuit')
    const peer = t.shell.peer!
    await t.shell.quit()
    expect(t.order).toEqual(['ipc disposed', 'drained', 'destroyTray', 'exit'])
    expect(peer.network).toBeUndefined()
    expect(existsSync(join(dir, 'peer.lock'))).toBe(false) // store closed, directory released
    await expect(t.call('node.status')).rejects.toThrow(/No handler registered/)
    expect(t.shell.onWindowClose()).toBe('close')
  }, 60_000)

  it('remembers the unlock with the OS keychain and unlocks at the next start without the passphrase', async () => {
    const store = memoryStore()
    const first = makeShell({ dir, store })
    await first.shell.start()
    await first.call('network.create', { networkName: 'acme', memberName: 'alice', passphrase: PASS })
    expect(await first.call('desktop.settings.set', { rememberUnlock: true })).toEqual({ ok: true, data: { launchAtLogin: false, theme: 'system', rememberUnlock: true, rememberUnlockAvailable: true } })
    await first.shell.quit()

    const second = makeShell({ dir, store })
    await second.shell.start()
    expect(second.shell.peer?.vaultState).toBe('unlocked')
    expect(await second.call('node.status')).toMatchObject({ ok: true, data: { vault: 'unlocked', member: { name: 'alice' } } })
    expect(await second.call('desktop.settings.set', { rememberUnlock: false })).toMatchObject({ ok: true, data: { rememberUnlock: false } })
    await second.shell.quit()

    const third = makeShell({ dir, store })
    await third.shell.start()
    expect(third.shell.peer?.vaultState).toBe('locked')
  }, 60_000)

  it('refuses to remember where only a plain-text backend exists, saying why, and changes nothing else', async () => {
    const t = makeShell({ dir, backend: 'basic_text' })
    await t.shell.start()
    await t.call('network.create', { networkName: 'acme', memberName: 'alice', passphrase: PASS })
    const answer = await t.call('desktop.settings.set', { rememberUnlock: true, theme: 'dark' })
    expect(answer).toEqual({ ok: false, error: { code: 'unavailable', message: expect.stringContaining("'basic_text'") } })
    expect(t.settings.get()).toMatchObject({ rememberUnlock: false, theme: 'system' })
    expect(await t.call('desktop.settings.get')).toMatchObject({ ok: true, data: { rememberUnlockAvailable: false, rememberUnlockUnavailableReason: expect.stringContaining('keyring') } })
  }, 60_000)

  it('a peer that cannot start is shown with its reason, and can be retried', async () => {
    const holder = await Peer.open({ dataDir: dir, command: 'bzzz peer' })
    const t = makeShell({ dir })
    await t.shell.start()
    expect(t.tray()).toMatchObject({ kind: 'error', status: expect.stringMatching(/^Error: .*in use/) })
    expect(await t.call('node.status')).toMatchObject({ ok: false, error: { code: 'unavailable', message: expect.stringContaining('in use') } })
    expect(await t.call('desktop.settings.get')).toMatchObject({ ok: true })
    await holder.close()
    await t.shell.onMenu('retry')
    expect(t.tray()?.kind).toBe('setup')
    expect(await t.call('node.status')).toMatchObject({ ok: true })
  }, 60_000)

  it('custody requests and elections raise notifications that open the right screen', async () => {
    const t = makeShell({ dir })
    await t.shell.start()
    const peer = t.shell.peer!
    const now = Date.now()
    peer.events.emit('custody.request', { id: 'req-1', term: 3, winner: 'carol', certifiedBy: ['a', 'b'], requestedAt: now, expiresAt: now + 60_000, state: 'pending' })
    const notice = t.notices.find((n) => n.title === 'Your key share is requested')
    expect(notice).toBeDefined()
    notice?.onClick?.()
    expect(t.calls).toContain('showWindow')
    expect(t.sent.at(-1)).toEqual({ type: 'app.navigate', at: expect.any(Number), payload: { screen: 'custody', id: 'req-1' } })
    expect(t.tray()?.kind).toBe('custody')
    await t.shell.onMenu('custody')
    expect(t.sent.at(-1)).toMatchObject({ payload: { screen: 'custody', id: 'req-1' } })

    peer.events.emit('election.started', { term: 4, candidate: 'dave' })
    t.notices.find((n) => n.title === 'Admin election running')?.onClick?.()
    expect(t.sent.at(-1)).toMatchObject({ type: 'app.navigate', payload: { screen: 'elections' } })
  }, 60_000)

  it('pause and resume the network from the tray; launch at login is applied and kept', async () => {
    const t = makeShell({ dir })
    await t.shell.start()
    await t.call('network.create', { networkName: 'acme', memberName: 'alice', passphrase: PASS })
    await vi.waitFor(() => expect(t.shell.peer?.network).toBeDefined(), { timeout: 15_000 })
    await t.shell.onMenu('pause')
    expect(t.shell.peer?.network).toBeUndefined()
    expect(t.tray()?.kind).toBe('paused')
    await t.shell.onMenu('resume')
    expect(t.shell.peer?.network).toBeDefined()
    await vi.waitFor(() => expect(t.tray()?.kind).toBe('admin'))
    t.shell.setLaunchAtLogin(true)
    expect(t.calls).toContain('setLoginItem:true')
    expect(t.settings.get().launchAtLogin).toBe(true)
    expect(t.tray()?.menu).toContainEqual({ kind: 'checkbox', id: 'launchAtLogin', label: 'Launch at login', checked: true })
    expect(await t.call('desktop.settings.set', { launchAtLogin: false })).toMatchObject({ ok: true, data: { launchAtLogin: false } })
    expect(t.calls).toContain('setLoginItem:false')
  }, 60_000)
})
