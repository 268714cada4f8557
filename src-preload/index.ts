// The preload exposes exactly two functions to the sandboxed renderer: call(name, args) and on(listener).
// No ipcRenderer, no Node, no event objects, nothing else. Each call goes to its own channel (`bzzz:call:<name>`);
// the main process registered one handler per contract call, checks the sender and validates the arguments.
// Sandboxed preloads cannot load modules: this file is bundled to one CommonJS file that requires only 'electron',
// and it imports from src-shared only what carries no runtime dependency (bridge.ts has no zod).
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import { callChannel, IPC_CHANNELS, type BridgeMessage, type DesktopBridge } from '../src-shared/contract/bridge.ts'

/** What the bridge needs of ipcRenderer (a fake in tests). */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>
  on(channel: string, listener: (event: IpcRendererEvent, ...args: unknown[]) => void): unknown
  removeListener(channel: string, listener: (event: IpcRendererEvent, ...args: unknown[]) => void): unknown
}

/** A contract call name: dotted lower camel case segments, e.g. `decisions.publish`, `desktop.settings.get`. */
const CALL_NAME = /^[a-z][a-zA-Z]{0,40}(\.[a-z][a-zA-Z]{0,40}){1,3}$/

type Failure = { ok: false; error: { code: 'not_found' | 'invalid_input' | 'internal'; message: string } }

function failure(code: Failure['error']['code'], message: string): Failure {
  return { ok: false, error: { code, message } }
}

export function createBridge(ipc: IpcRendererLike): DesktopBridge {
  const call = (name: unknown, args: unknown): Promise<unknown> => {
    if (typeof name !== 'string' || !CALL_NAME.test(name)) return Promise.resolve(failure('not_found', 'unknown call'))
    return ipc.invoke(callChannel(name), args).catch((err: unknown) => {
      const message = err instanceof Error ? err.message : String(err)
      if (/No handler registered/i.test(message)) return failure('not_found', `unknown call '${name}'`)
      if (/could not be cloned/i.test(message)) return failure('invalid_input', `${name}: the arguments must be plain data`)
      return failure('internal', `${name} could not be delivered to the app`)
    })
  }
  const on = (listener: unknown): (() => void) => {
    if (typeof listener !== 'function') throw new TypeError('bzzz.on expects a function')
    const wrapped = (_event: IpcRendererEvent, message: unknown) => (listener as (m: BridgeMessage) => void)(message as BridgeMessage)
    ipc.on(IPC_CHANNELS.event, wrapped)
    let subscribed = true
    return () => {
      if (subscribed) ipc.removeListener(IPC_CHANNELS.event, wrapped)
      subscribed = false
    }
  }
  return { call, on } as DesktopBridge
}

contextBridge.exposeInMainWorld('bzzz', createBridge(ipcRenderer))
