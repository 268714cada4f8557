// The preload's exposed surface: exactly window.bzzz = { call, on }, nothing else, first from the source with a fake
// 'electron', then from a CommonJS bundle built like electron-vite builds it, run in a bare VM context whose only
// module is a fake 'electron' (what a sandboxed preload gets).
import { join } from 'node:path'
import { runInNewContext } from 'node:vm'
import { build } from 'vite'
import { beforeAll, describe, expect, it, vi } from 'vitest'
import { callChannel, IPC_CHANNELS } from '../src-shared/contract/bridge.ts'

interface Harness {
  exposed: Map<string, unknown>
  invoke: ReturnType<typeof vi.fn>
  listeners: Map<string, Set<(...args: unknown[]) => void>>
  electron: Record<string, unknown>
}

function harness(): Harness {
  const exposed = new Map<string, unknown>()
  const listeners = new Map<string, Set<(...args: unknown[]) => void>>()
  const invoke = vi.fn(async (channel: string, args: unknown) => {
    if (channel === callChannel('vault.export')) throw new Error(`Error invoking remote method '${channel}': Error: No handler registered for '${channel}'`)
    return { ok: true, data: { channel, args } }
  })
  const electron = {
    contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) },
    ipcRenderer: {
      invoke,
      on: (channel: string, l: (...args: unknown[]) => void) => listeners.set(channel, (listeners.get(channel) ?? new Set()).add(l)),
      removeListener: (channel: string, l: (...args: unknown[]) => void) => listeners.get(channel)?.delete(l),
    },
  }
  return { exposed, invoke, listeners, electron }
}

type Bridge = { call(name: unknown, args?: unknown): Promise<unknown>; on(listener: unknown): () => void }

async function checkSurface(h: Harness): Promise<void> {
  expect([...h.exposed.keys()]).toEqual(['bzzz'])
  const bridge = h.exposed.get('bzzz') as Bridge
  expect(Object.keys(bridge).sort()).toEqual(['call', 'on'])
  expect(typeof bridge.call).toBe('function')
  expect(typeof bridge.on).toBe('function')

  // call: one channel per call name, the arguments passed through as they are (the main process validates them).
  expect(await bridge.call('decisions.list', { limit: 5 })).toEqual({ ok: true, data: { channel: 'bzzz:call:decisions.list', args: { limit: 5 } } })
  expect(await bridge.call('desktop.settings.get', {})).toMatchObject({ ok: true })
  // Names that are not call names never reach IPC; a well-formed unknown name has no handler in main.
  h.invoke.mockClear()
  for (const name of [42, '', 'bzzz:event', '../x', 'node.status:evil', 'a'.repeat(200), { toString: () => 'node.status' }]) {
    expect(await bridge.call(name, {})).toEqual({ ok: false, error: { code: 'not_found', message: 'unknown call' } })
  }
  expect(h.invoke).not.toHaveBeenCalled()
  expect(await bridge.call('vault.export', {})).toEqual({ ok: false, error: { code: 'not_found', message: "unknown call 'vault.export'" } })

  // on: the event channel only, no event object for the renderer, unsubscribe once.
  const seen: unknown[] = []
  const off = bridge.on((message: unknown, ...rest: unknown[]) => seen.push([message, rest.length]))
  const [listener] = h.listeners.get(IPC_CHANNELS.event) ?? []
  expect(listener).toBeDefined()
  listener?.({ sender: 'ipc-event-object' }, { type: 'node.status', at: 1, payload: {} })
  expect(seen).toEqual([[{ type: 'node.status', at: 1, payload: {} }, 0]])
  off()
  off()
  expect(h.listeners.get(IPC_CHANNELS.event)?.size).toBe(0)
  expect(() => bridge.on('not a function')).toThrow(TypeError)
  expect([...h.listeners.keys()]).toEqual([IPC_CHANNELS.event])
}

describe('preload (source, fake electron)', () => {
  it('exposes only call and on', async () => {
    const h = harness()
    vi.doMock('electron', () => h.electron)
    await import('./index.ts')
    await checkSurface(h)
    vi.doUnmock('electron')
  })
})

describe('preload (CommonJS bundle in a sandbox-like VM)', () => {
  let code = ''

  beforeAll(async () => {
    // The same shape as electron-vite's preload build: one CommonJS file, 'electron' external, everything else inlined.
    const output = await build({
      configFile: false,
      logLevel: 'silent',
      build: {
        write: false,
        minify: false,
        emptyOutDir: false,
        lib: { entry: join(import.meta.dirname, 'index.ts'), formats: ['cjs'], fileName: () => 'index.cjs' },
        rollupOptions: { external: ['electron'] },
      },
    })
    const outputs = Array.isArray(output) ? output : [output]
    const chunk = outputs.flatMap((o) => ('output' in o ? o.output : [])).find((f) => f.type === 'chunk')
    code = chunk !== undefined && 'code' in chunk ? chunk.code : ''
  }, 60_000)

  it('requires nothing but electron and exposes only call and on', async () => {
    expect(code.length).toBeGreaterThan(0)
    const required: string[] = []
    const h = harness()
    const module = { exports: {} as Record<string, unknown> }
    const require = (id: string) => {
      required.push(id)
      if (id !== 'electron') throw new Error(`a sandboxed preload cannot require '${id}'`)
      return h.electron
    }
    runInNewContext(code, { require, module, exports: module.exports, Promise, Error, TypeError, String, Object, Symbol, RegExp })
    expect(required).toEqual(['electron'])
    expect(code).not.toMatch(/\bzod\b|node:|process\.|__dirname/)
    await checkSurface(h)
  })
})
