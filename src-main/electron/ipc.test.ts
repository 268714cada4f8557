// IPC against a fake ipcMain: registration from the call tables, sender checks, unknown calls, invalid arguments,
// the Result shape, shutdown draining, and events through the event filter. The contract calls run on a real Peer.
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { callChannel } from '../../src-shared/contract/bridge.ts'
import { CALL_NAMES } from '../../src-shared/contract/calls.ts'
import { DESKTOP_CALL_NAMES, type DesktopSettings } from '../../src-shared/contract/desktop.ts'
import { BzzzError } from '../../src-shared/errors.ts'
import { Peer } from '../core/peer.ts'
import { forwardEvents, handleCall, IPC_CALL_NAMES, originOf, registerIpc, senderRefusal, type DesktopHandlers, type InvokeEventLike, type IpcDeps } from './ipc.ts'
import { FakeIpcMain } from './testing/fakes.ts'

const ORIGIN = 'bzzz://app'
const mainFrame = { url: `${ORIGIN}/index.html`, parent: null, frameTreeNodeId: 11 }
const fromWindow: InvokeEventLike = { sender: { id: 7, mainFrame }, senderFrame: mainFrame }
const SETTINGS: DesktopSettings = { launchAtLogin: false, theme: 'system', rememberUnlock: false, rememberUnlockAvailable: true }

const desktop: DesktopHandlers = {
  'desktop.settings.get': async () => SETTINGS,
  'desktop.settings.set': async (args) => {
    if (args.rememberUnlock === true) throw new BzzzError('unavailable', 'the unlock cannot be remembered: no keyring')
    return { ...SETTINGS, ...args }
  },
}

let peer: Peer | undefined
let dir: string

beforeEach(async () => {
  vi.stubEnv('BZZZ_SCRYPT_LOG_N', '10')
  dir = await mkdtemp(join(tmpdir(), 'bzzz-ipc-'))
  peer = await Peer.open({ dataDir: dir, command: 'ipc test', config: { listen: ['/ip4/127.0.0.1/tcp/0'], mdns: false } })
})

afterEach(async () => {
  await peer?.close()
  vi.unstubAllEnvs()
})

function deps(over: Partial<IpcDeps> = {}): IpcDeps {
  return { peer: () => peer, startupError: () => undefined, trusted: () => ({ webContentsId: 7, origin: ORIGIN }), desktop, log: vi.fn(), ...over }
}

describe('IPC registration', () => {
  it('registers exactly one handler per contract call and per desktop call, and removes them all', () => {
    const ipc = new FakeIpcMain()
    const reg = registerIpc(ipc, deps())
    expect([...ipc.handlers.keys()].sort()).toEqual([...CALL_NAMES, ...DESKTOP_CALL_NAMES].map(callChannel).sort())
    expect(IPC_CALL_NAMES).toHaveLength(CALL_NAMES.length + DESKTOP_CALL_NAMES.length)
    reg.dispose()
    expect(ipc.handlers.size).toBe(0)
  })

  it('answers a contract call with a Result, validated by the contract schema', async () => {
    const ipc = new FakeIpcMain()
    registerIpc(ipc, deps())
    expect(await ipc.invoke(callChannel('node.status'), fromWindow, {})).toMatchObject({ ok: true, data: { state: 'stopped', vault: 'absent' } })
    expect(await ipc.invoke(callChannel('node.status'), fromWindow)).toMatchObject({ ok: true })
    const bad = await ipc.invoke(callChannel('network.create'), fromWindow, { networkName: 'acme', memberName: 'alice' })
    expect(bad).toEqual({ ok: false, error: { code: 'invalid_input', message: expect.stringContaining('passphrase') } })
    const extra = await ipc.invoke(callChannel('node.status'), fromWindow, {}, { sneaky: true })
    expect(extra).toEqual({ ok: false, error: { code: 'invalid_input', message: expect.stringContaining('one argument') } })
    expect(await ipc.invoke(callChannel('node.status'), fromWindow, { unknown: 1 })).toMatchObject({ ok: false, error: { code: 'invalid_input' } })
  })

  it('runs onboarding and vault calls on the real core: create, lock, wrong passphrase, unlock', async () => {
    const ipc = new FakeIpcMain()
    registerIpc(ipc, deps())
    const created = await ipc.invoke(callChannel('network.create'), fromWindow, { networkName: 'acme', memberName: 'alice', passphrase: 'correct horse battery' })
    expect(created).toMatchObject({ ok: true, data: { vault: 'unlocked', member: { name: 'alice', role: 'admin' } } })
    expect(await ipc.invoke(callChannel('vault.lock'), fromWindow, {})).toMatchObject({ ok: true, data: { vault: 'locked' } })
    expect(await ipc.invoke(callChannel('members.list'), fromWindow, {})).toMatchObject({ ok: false, error: { code: 'locked' } })
    expect(await ipc.invoke(callChannel('vault.unlock'), fromWindow, { passphrase: 'wrong passphrase!' })).toMatchObject({ ok: false, error: { code: 'unauthenticated' } })
    expect(await ipc.invoke(callChannel('vault.unlock'), fromWindow, { passphrase: 'correct horse battery' })).toMatchObject({ ok: true, data: { vault: 'unlocked' } })
  })

  it('validates desktop calls with their schema and returns errors as Results', async () => {
    const ipc = new FakeIpcMain()
    registerIpc(ipc, deps())
    expect(await ipc.invoke(callChannel('desktop.settings.get'), fromWindow, {})).toEqual({ ok: true, data: SETTINGS })
    expect(await ipc.invoke(callChannel('desktop.settings.set'), fromWindow, { theme: 'dark' })).toMatchObject({ ok: true, data: { theme: 'dark' } })
    expect(await ipc.invoke(callChannel('desktop.settings.set'), fromWindow, { theme: 'pink' })).toMatchObject({ ok: false, error: { code: 'invalid_input', message: expect.stringContaining('theme') } })
    expect(await ipc.invoke(callChannel('desktop.settings.set'), fromWindow, { rememberedKey: 'x' })).toMatchObject({ ok: false, error: { code: 'invalid_input' } })
    expect(await ipc.invoke(callChannel('desktop.settings.set'), fromWindow, { rememberUnlock: true })).toEqual({ ok: false, error: { code: 'unavailable', message: 'the unlock cannot be remembered: no keyring' } })
  })

  it('has no handler for a name outside the tables; handleCall refuses it explicitly', async () => {
    const ipc = new FakeIpcMain()
    registerIpc(ipc, deps())
    await expect(ipc.invoke(callChannel('vault.export'), fromWindow, {})).rejects.toThrow(/No handler registered/)
    expect(await handleCall('vault.export', {}, deps())).toEqual({ ok: false, error: { code: 'not_found', message: "unknown call 'vault.export'" } })
    expect(await handleCall('__proto__', {}, deps())).toMatchObject({ ok: false, error: { code: 'not_found' } })
    expect(await handleCall('constructor', {}, deps())).toMatchObject({ ok: false, error: { code: 'not_found' } })
  })
})

describe('IPC sender check', () => {
  const subFrame = { url: `${ORIGIN}/index.html`, parent: mainFrame, frameTreeNodeId: 12 }
  const cases: [string, InvokeEventLike, RegExp][] = [
    ['another window', { sender: { id: 8, mainFrame }, senderFrame: mainFrame }, /not our window/],
    ['a subframe', { sender: { id: 7, mainFrame }, senderFrame: subFrame }, /not the main frame/],
    ['a frame that is gone', { sender: { id: 7, mainFrame }, senderFrame: null }, /gone/],
    ['a page from elsewhere', { sender: { id: 7, mainFrame: { ...mainFrame, url: 'https://evil.example/' } }, senderFrame: { ...mainFrame, url: 'https://evil.example/' } }, /not our page/],
    ['a file:// page', { sender: { id: 7, mainFrame: { ...mainFrame, url: 'file:///tmp/x.html' } }, senderFrame: { ...mainFrame, url: 'file:///tmp/x.html' } }, /not our page/],
  ]

  it.each(cases)('refuses %s before the call is looked at', async (_name, event, reason) => {
    const ipc = new FakeIpcMain()
    const log = vi.fn()
    registerIpc(ipc, deps({ log }))
    const answer = await ipc.invoke(callChannel('network.create'), event, { networkName: 'acme', memberName: 'mallory', passphrase: 'correct horse battery' })
    expect(answer).toEqual({ ok: false, error: { code: 'forbidden', message: expect.stringMatching(reason) } })
    expect(peer?.vaultState).toBe('absent')
    expect(log).toHaveBeenCalledWith('warn', 'ipc call refused', expect.objectContaining({ call: 'network.create' }))
  })

  it('refuses everything while no window is open', () => {
    expect(senderRefusal(fromWindow, undefined)).toMatch(/no window/)
    expect(senderRefusal(fromWindow, { webContentsId: 7, origin: ORIGIN })).toBeUndefined()
  })

  it('compares scheme://host origins (custom schemes have an opaque WHATWG origin)', () => {
    expect(originOf('bzzz://app/index.html#x')).toBe('bzzz://app')
    expect(originOf('http://localhost:5173/')).toBe('http://localhost:5173')
    expect(originOf('file:///x')).toBeUndefined()
    expect(originOf('not a url')).toBeUndefined()
  })
})

describe('IPC lifecycle', () => {
  it('while the peer could not be opened, calls say why; desktop calls still work', async () => {
    const d = deps({ peer: () => undefined, startupError: () => 'the directory is in use by bzzz peer (pid 42)' })
    expect(await handleCall('node.status', {}, d)).toEqual({ ok: false, error: { code: 'unavailable', message: 'the directory is in use by bzzz peer (pid 42)' } })
    expect(await handleCall('desktop.settings.get', {}, d)).toMatchObject({ ok: true })
  })

  it('contract calls wait until the peer is open', async () => {
    let open: () => void = () => undefined
    const ready = new Promise<void>((r) => (open = r))
    const answer = handleCall('node.status', {}, deps({ ready: () => ready }))
    let settled = false
    void answer.then(() => (settled = true))
    await new Promise((r) => setTimeout(r, 20))
    expect(settled).toBe(false)
    open()
    expect(await answer).toMatchObject({ ok: true })
  })

  it('drain waits for calls in flight; after dispose nothing new is taken', async () => {
    const ipc = new FakeIpcMain()
    let release: () => void = () => undefined
    const slow: DesktopHandlers = { ...desktop, 'desktop.settings.get': () => new Promise((r) => (release = () => r(SETTINGS))) }
    const reg = registerIpc(ipc, deps({ desktop: slow }))
    const inFlight = ipc.invoke(callChannel('desktop.settings.get'), fromWindow, {})
    await new Promise((r) => setTimeout(r, 5))
    expect(reg.inFlight()).toBe(1)
    const handler = ipc.handlers.get(callChannel('desktop.settings.get'))!
    reg.dispose()
    const drained = reg.drain(2_000)
    release()
    await drained
    expect(await inFlight).toEqual({ ok: true, data: SETTINGS })
    expect(await handler(fromWindow, {})).toEqual({ ok: false, error: { code: 'unavailable', message: 'BZZZ is shutting down' } })
    // A call that never ends does not hold the shutdown: drain gives up after its timeout.
    const stuckIpc = new FakeIpcMain()
    const stuck = registerIpc(stuckIpc, deps({ desktop: { ...desktop, 'desktop.settings.get': () => new Promise(() => undefined) } }))
    void stuckIpc.invoke(callChannel('desktop.settings.get'), fromWindow, {})
    await new Promise((r) => setTimeout(r, 5))
    expect(stuck.inFlight()).toBe(1)
    const t0 = Date.now()
    await stuck.drain(50)
    expect(Date.now() - t0).toBeGreaterThanOrEqual(45)
    expect(Date.now() - t0).toBeLessThan(1_000)
  })

  it('forwards events through the event filter: while locked or absent, only node.status', async () => {
    const sent: string[] = []
    const off = forwardEvents(peer!, (m) => sent.push(m.type))
    peer!.events.emit('peer.left', { peerId: 'p1' })
    peer!.events.emit('node.status', peer!.status())
    await peer!.createNetwork({ networkName: 'acme', memberName: 'alice', passphrase: 'correct horse battery' })
    peer!.events.emit('peer.left', { peerId: 'p1' })
    off()
    peer!.events.emit('peer.left', { peerId: 'p2' })
    expect(sent).toEqual(['node.status', 'node.status', 'peer.left'])
  })
})
