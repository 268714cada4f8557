// The preload exposes exactly two functions to the sandboxed renderer: call(name, args) and on(listener).
// No ipcRenderer, no Node, nothing else. The main process validates every call against the contract.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import { IPC_CHANNELS, type BzzzBridge } from '../src-shared/contract/bridge.ts'
import type { EventMessage } from '../src-shared/contract/events.ts'

const bridge: BzzzBridge = {
  call: (name, args) => ipcRenderer.invoke(IPC_CHANNELS.call, name, args),
  on: (listener) => {
    const wrapped = (_event: IpcRendererEvent, message: EventMessage) => listener(message)
    ipcRenderer.on(IPC_CHANNELS.event, wrapped)
    return () => {
      ipcRenderer.off(IPC_CHANNELS.event, wrapped)
    }
  },
}

contextBridge.exposeInMainWorld('bzzz', bridge)
