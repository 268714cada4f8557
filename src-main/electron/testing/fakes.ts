// Fakes of Electron objects for the shell's tests (never bundled: only tests import this).
import type { InvokeEventLike, InvokeListener, IpcMainLike } from '../ipc.ts'
import type { SafeStorageLike } from '../remember-unlock.ts'
import type { KeyValueStore } from '../settings.ts'

/** ipcMain: handlers by channel; `invoke` does what ipcRenderer.invoke would, including "no handler". */
export class FakeIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, InvokeListener>()
  handle(channel: string, listener: InvokeListener): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`)
    this.handlers.set(channel, listener)
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel)
  }
  /** What ipcRenderer.invoke would get: Electron rejects a channel without a handler. */
  async invoke(channel: string, event: InvokeEventLike, ...args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel)
    if (handler === undefined) throw new Error(`No handler registered for '${channel}'`)
    return handler(event, ...args)
  }
}

export const APP_ORIGIN_FOR_TESTS = 'bzzz://app'

/** An invoke event from our window's main frame (webContents 7). */
export function windowEvent(url = `${APP_ORIGIN_FOR_TESTS}/index.html`): InvokeEventLike {
  const mainFrame = { url, parent: null, frameTreeNodeId: 11 }
  return { sender: { id: 7, mainFrame }, senderFrame: mainFrame }
}

/** A safeStorage whose "encryption" is reversible and visible, with a backend and availability to choose. */
export function fakeSafeStorage(opts: { backend?: string; available?: boolean; asyncAvailable?: boolean; broken?: boolean } = {}): SafeStorageLike & { calls: string[] } {
  const calls: string[] = []
  return {
    calls,
    isEncryptionAvailable: () => opts.available ?? true,
    isAsyncEncryptionAvailable: async () => opts.asyncAvailable ?? opts.available ?? true,
    getSelectedStorageBackend: () => opts.backend ?? 'gnome_libsecret',
    encryptStringAsync: async (plain) => {
      calls.push('encrypt')
      return Buffer.from(`sealed:${Buffer.from(plain).toString('hex')}`)
    },
    decryptStringAsync: async (encrypted) => {
      calls.push('decrypt')
      const text = encrypted.toString()
      if (opts.broken === true || !text.startsWith('sealed:')) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.')
      return { result: Buffer.from(text.slice(7), 'hex').toString(), shouldReEncrypt: false }
    },
  }
}

export function memoryStore(): KeyValueStore {
  const data: Record<string, unknown> = {}
  return {
    get store() {
      return { ...data }
    },
    set: (key, value) => void (data[key] = value),
    delete: (key) => void delete data[key],
  }
}
