// Fuzzing the Electron IPC layer (src-main/electron/ipc.ts) without the electron binary, through a fake ipcMain as
// its own test does: every channel gets random argument lists of structured-clone values (what a renderer can send)
// from our window and from others. Foreign senders are always refused; our window always gets a Result: invalid_input
// naming the call for a bad argument, never 'internal', never a thrown error, within a bound.
process.env.BZZZ_SCRYPT_LOG_N = '12'

import fc from 'fast-check'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { callChannel } from '../../src-shared/contract/bridge.ts'
import { calls, isCallName, type CallName } from '../../src-shared/contract/calls.ts'
import { desktopCalls, isDesktopCallName, type DesktopSettings } from '../../src-shared/contract/desktop.ts'
import { Peer } from '../../src-main/core/peer.ts'
import { IPC_CALL_NAMES, registerIpc, type DesktopHandlers, type InvokeEventLike, type IpcDeps } from '../../src-main/electron/ipc.ts'
import { FakeIpcMain } from '../../src-main/electron/testing/fakes.ts'
import { CALL_EXAMPLES, DESKTOP_EXAMPLES, inputFor } from './contract-examples.ts'
import { expectErrorBody, expectNoPrototypePollution, fuzz, mutatedString, weirdString, weirdValue, within } from './fuzz.ts'

const ORIGIN = 'bzzz://app'
const mainFrame = { url: `${ORIGIN}/index.html`, parent: null, frameTreeNodeId: 11 }
const fromWindow: InvokeEventLike = { sender: { id: 7, mainFrame }, senderFrame: mainFrame }
const SETTINGS: DesktopSettings = { launchAtLogin: false, theme: 'system', rememberUnlock: false, rememberUnlockAvailable: true }
/** Valid inputs of these would change what the rest of the run sees (a locked vault, rotated keys, a second network). */
const NOT_WITH_VALID_INPUT: CallName[] = ['vault.lock', 'keys.rotate', 'network.create', 'election.trigger']

let peer: Peer
let dir: string
const ipc = new FakeIpcMain()

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bzzz-fuzz-ipc-'))
  peer = await Peer.open({ dataDir: dir, command: 'fuzz', config: { mdns: false } })
  await peer.createNetwork({ networkName: 'acme', memberName: 'alice', passphrase: 'passphrase-1' })
  const desktop: DesktopHandlers = {
    'desktop.settings.get': async () => SETTINGS,
    'desktop.settings.set': async (args) => ({ ...SETTINGS, ...args }),
  }
  const deps: IpcDeps = { peer: () => peer, startupError: () => undefined, trusted: () => ({ webContentsId: 7, origin: ORIGIN }), desktop, log: () => undefined }
  registerIpc(ipc, deps)
})

afterAll(async () => {
  await peer?.close()
  if (dir !== undefined) await rm(dir, { recursive: true, force: true })
})

/** Values a renderer can pass through ipcRenderer.invoke (the structured clone algorithm), odd ones included. */
const cloneable: fc.Arbitrary<unknown> = fc.oneof(
  weirdValue,
  fc.date({ noInvalidDate: false }),
  fc.bigInt(),
  fc.uint8Array({ maxLength: 16 }),
  fc.array(fc.tuple(weirdString, weirdValue), { maxLength: 3 }).map((kv) => new Map(kv)),
  fc.array(weirdValue, { maxLength: 3 }).map((v) => new Set(v)),
  fc.constantFrom(undefined, Number.NaN, Number.POSITIVE_INFINITY, -0, new RegExp('x', 'g'), new Error('e')),
)

const exampleOf = (name: string): Record<string, unknown> => (isCallName(name) ? CALL_EXAMPLES[name] : isDesktopCallName(name) ? DESKTOP_EXAMPLES[name] : {})

const invocation = fc.constantFrom(...IPC_CALL_NAMES).chain((name) =>
  fc.tuple(
    fc.constant(name),
    fc.oneof(
      { weight: 6, arbitrary: inputFor(exampleOf(name)).map((a) => [a]) },
      { weight: 1, arbitrary: fc.constant<unknown[]>([]) },
      { weight: 1, arbitrary: fc.array(fc.oneof(cloneable, inputFor(exampleOf(name))), { minLength: 1, maxLength: 3 }) },
    ),
  ),
)

function valid(name: string, args: unknown[]): boolean {
  if (args.length > 1) return false
  const schema = isCallName(name) ? calls[name].input : isDesktopCallName(name) ? desktopCalls[name].input : undefined
  return schema?.safeParse(args[0] ?? {}).success === true
}

describe('fuzz: Electron IPC validation', () => {
  it('answers every channel and argument list from our window with a Result, never internal, never a throw', async () => {
    const seen = { ok: 0, invalid: 0 }
    await fc.assert(
      fc.asyncProperty(invocation, async ([name, args]) => {
        fc.pre(!(NOT_WITH_VALID_INPUT as string[]).includes(name) || !valid(name, args))
        // What Electron does to the arguments on their way from the renderer.
        let cloned: unknown[]
        try {
          cloned = structuredClone(args)
        } catch {
          return // not cloneable: the renderer could not send it
        }
        const result = (await within(5000, `ipc ${name}`, ipc.invoke(callChannel(name), fromWindow, ...cloned))) as any
        expectNoPrototypePollution()
        const what = `${name}(${String(JSON.stringify(cloned, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)) ?? '').slice(0, 200)})`
        expect(result, what).toMatchObject({ ok: expect.any(Boolean) })
        if (result.ok) {
          seen.ok++
          expect(valid(name, cloned), what).toBe(true)
          return
        }
        expectErrorBody(result.error, what)
        expect(result.error.code, what).not.toBe('internal')
        if (!valid(name, cloned)) {
          seen.invalid++
          expect(result.error.code, what).toBe('invalid_input')
          expect(result.error.message.startsWith(`${name}: `), what).toBe(true)
        }
      }),
      fuzz('ipc calls', 400),
    )
    expect(seen.ok).toBeGreaterThan(10)
    expect(seen.invalid).toBeGreaterThan(seen.ok)
  })

  it('refuses every call from another window, a subframe, a gone frame or another page, before looking at it', async () => {
    const url = fc.oneof(fc.constant(`${ORIGIN}/index.html`), mutatedString(fc.constant(`${ORIGIN}/index.html`)), fc.constantFrom('https://evil.example/', 'file:///x.html', 'bzzz://app.evil/', 'bzzz://APP/', 'bzzz://app:1/', 'about:blank', ''), weirdString)
    const sender = fc.record({
      id: fc.oneof(fc.constant(7), fc.integer()),
      frameUrl: url,
      mainUrl: url,
      sub: fc.boolean(),
      gone: fc.boolean(),
      nodeId: fc.oneof(fc.constant(11), fc.integer()),
    })
    await fc.assert(
      fc.asyncProperty(sender, fc.constantFrom(...IPC_CALL_NAMES), async (s, name) => {
        const main = { url: s.mainUrl, parent: null, frameTreeNodeId: 11 }
        const frame = s.gone ? null : { url: s.frameUrl, parent: s.sub ? main : null, frameTreeNodeId: s.nodeId }
        const event: InvokeEventLike = { sender: { id: s.id, mainFrame: main }, senderFrame: frame }
        fc.pre(!(NOT_WITH_VALID_INPUT as string[]).includes(name))
        const result = (await within(5000, 'ipc sender', ipc.invoke(callChannel(name), event, exampleOf(name)))) as any
        let origin: string | undefined
        try {
          const u = new URL(s.frameUrl)
          origin = u.host === '' ? undefined : `${u.protocol}//${u.host}`
        } catch {
          origin = undefined
        }
        const ours = s.id === 7 && !s.gone && !s.sub && s.nodeId === 11 && origin === ORIGIN
        if (!ours) expect(result, JSON.stringify(s)).toMatchObject({ ok: false, error: { code: 'forbidden', message: expect.stringMatching(/^IPC from an unknown window or frame is refused/) } })
        else expect(result?.error?.code).not.toBe('forbidden')
      }),
      fuzz('ipc senders', 300),
    )
  })
})
