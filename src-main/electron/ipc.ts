// One IPC handler for the whole contract: the sender is checked (only our own window's main frame), the call name
// and arguments are validated by the dispatcher against the contract table, and the result is always a Result.
import type { IpcMainInvokeEvent, WebContents } from 'electron'
import { ipcMain } from 'electron'
import { IPC_CHANNELS } from '../../src-shared/contract/bridge.ts'
import { fail } from '../../src-shared/errors.ts'
import { dispatch } from '../api/dispatch.ts'
import type { Peer } from '../core/peer.ts'

export function registerIpc(peer: Peer, isTrustedSender: (contents: WebContents, frameUrl: string | undefined) => boolean): () => void {
  ipcMain.handle(IPC_CHANNELS.call, async (event: IpcMainInvokeEvent, name: unknown, args: unknown) => {
    if (!isTrustedSender(event.sender, event.senderFrame?.url) || event.senderFrame !== event.sender.mainFrame) {
      return fail('forbidden', 'IPC from an unknown window or frame is refused')
    }
    if (typeof name !== 'string') return fail('invalid_input', 'call name must be a string')
    return dispatch(name, args, { peer, transport: 'ipc' })
  })
  return () => ipcMain.removeHandler(IPC_CHANNELS.call)
}

export function forwardEvents(peer: Peer, target: () => WebContents | undefined): () => void {
  return peer.events.subscribe((message) => {
    const contents = target()
    if (contents !== undefined && !contents.isDestroyed()) contents.send(IPC_CHANNELS.event, message)
  })
}
