// A stand-in for the 'electron' module, just deep enough to run src-main/electron/main.ts under plain Node (the
// binary cannot be downloaded here): it records what main.ts asks of Electron and lets a scenario drive the app like
// a user would (IPC from the window, closing it, links, navigation, the tray, Quit). Loaded by electron-hooks.ts.
import { EventEmitter } from 'node:events'
import { join } from 'node:path'

type Listener = (...args: unknown[]) => unknown

/** Every notable call, in order, for the scenario's report. */
export const recorded: { what: string; detail?: unknown }[] = []
const record = (what: string, detail?: unknown) => void recorded.push({ what, detail })

const appEvents = new EventEmitter()
const paths = new Map<string, string>([['userData', join(process.env.FAKE_ELECTRON_HOME ?? '/tmp', 'userData')]])
let ready: () => void = () => undefined
const readyPromise = new Promise<void>((r) => (ready = r))

export const app = {
  isPackaged: false,
  on: (event: string, fn: Listener) => void appEvents.on(event, fn),
  emit: (event: string, ...args: unknown[]) => appEvents.emit(event, ...args),
  whenReady: () => readyPromise,
  getPath: (name: string) => paths.get(name) ?? join(process.env.FAKE_ELECTRON_HOME ?? '/tmp', name),
  setPath: (name: string, value: string) => void paths.set(name, value),
  getAppPath: () => process.cwd(),
  getVersion: () => '0.0.0-test',
  requestSingleInstanceLock: () => true,
  setAppUserModelId: (id: string) => record('setAppUserModelId', id),
  setLoginItemSettings: (s: unknown) => record('setLoginItemSettings', s),
  quit: () => {
    let prevented = false
    appEvents.emit('before-quit', { preventDefault: () => void (prevented = true) })
    if (!prevented) app.exit(0)
  },
  exit: (code: number) => {
    record('exit', code)
    process.emit('fake-electron-exit' as never, code as never)
  },
}

export const protocol = {
  privileged: [] as unknown[],
  handlers: new Map<string, (request: Request) => Promise<Response>>(),
  registerSchemesAsPrivileged: (schemes: unknown[]) => void protocol.privileged.push(...schemes),
  handle: (scheme: string, fn: (request: Request) => Promise<Response>) => void protocol.handlers.set(scheme, fn),
}

export const session = {
  defaultSession: {
    permissionRequest: undefined as Listener | undefined,
    permissionCheck: undefined as Listener | undefined,
    setPermissionRequestHandler(fn: Listener) {
      this.permissionRequest = fn
    },
    setPermissionCheckHandler(fn: Listener) {
      this.permissionCheck = fn
    },
    setDevicePermissionHandler: (_fn: Listener) => undefined,
    on: (event: string) => record('session.on', event),
  },
}

export const ipcMain = {
  handlers: new Map<string, Listener>(),
  handle: (channel: string, fn: Listener) => void ipcMain.handlers.set(channel, fn),
  removeHandler: (channel: string) => void ipcMain.handlers.delete(channel),
  on: (channel: string) => record('ipcMain.on', channel),
}

let nextId = 1

class FakeWebContents extends EventEmitter {
  readonly id = nextId++
  readonly mainFrame = { url: '', parent: null, frameTreeNodeId: 100 + this.id }
  readonly sent: { channel: string; message: unknown }[] = []
  openHandler: ((d: { url: string; disposition: string }) => { action: string }) | undefined
  destroyed = false
  send(channel: string, message: unknown): void {
    this.sent.push({ channel, message })
  }
  setWindowOpenHandler(fn: FakeWebContents['openHandler']): void {
    this.openHandler = fn
  }
  isDestroyed(): boolean {
    return this.destroyed
  }
}

export class BrowserWindow extends EventEmitter {
  static all: BrowserWindow[] = []
  static getAllWindows = () => BrowserWindow.all.filter((w) => !w.destroyed)
  readonly options: Record<string, unknown>
  readonly webContents = new FakeWebContents()
  visible = false
  destroyed = false

  constructor(options: Record<string, unknown>) {
    super()
    this.options = options
    BrowserWindow.all.push(this)
    appEvents.emit('web-contents-created', {}, this.webContents)
  }
  async loadURL(url: string): Promise<void> {
    this.webContents.mainFrame.url = url
    this.webContents.emit('did-start-loading')
    await new Promise((r) => setTimeout(r, 5))
    this.webContents.emit('did-finish-load')
    this.emit('ready-to-show')
  }
  show = () => void (this.visible = true)
  hide = () => void (this.visible = false)
  focus = () => undefined
  restore = () => undefined
  maximize = () => undefined
  reload = () => undefined
  isVisible = () => this.visible
  isMinimized = () => false
  isMaximized = () => false
  isDestroyed = () => this.destroyed
  getNormalBounds = () => ({ x: 10, y: 10, width: 1200, height: 800 })
  close(): void {
    let prevented = false
    this.emit('close', { preventDefault: () => void (prevented = true) })
    if (!prevented) this.destroy()
  }
  destroy(): void {
    if (this.destroyed) return
    this.destroyed = true
    this.webContents.destroyed = true
    this.emit('closed')
  }
}

export class Tray extends EventEmitter {
  static last: Tray | undefined
  tooltip = ''
  menu: { label?: string; type?: string; click?: Listener }[] = []
  image: unknown
  destroyed = false
  constructor(image: unknown) {
    super()
    this.image = image
    Tray.last = this
  }
  setImage = (image: unknown) => void (this.image = image)
  setToolTip = (t: string) => void (this.tooltip = t)
  setTitle = (_t: string) => undefined
  setContextMenu = (menu: Tray['menu']) => void (this.menu = menu)
  isDestroyed = () => this.destroyed
  destroy = () => void ((this.destroyed = true), record('tray.destroy'))
}

export const Menu = { buildFromTemplate: (template: unknown[]) => template }
export const nativeImage = { createFromPath: (path: string) => ({ path }) }

export class Notification extends EventEmitter {
  static isSupported = () => true
  static shown: Notification[] = []
  readonly options: { title: string; body: string }
  constructor(options: { title: string; body: string }) {
    super()
    this.options = options
  }
  show(): void {
    Notification.shown.push(this)
  }
}

export const safeStorage = {
  isEncryptionAvailable: () => true,
  isAsyncEncryptionAvailable: async () => true,
  getSelectedStorageBackend: () => 'gnome_libsecret',
  encryptStringAsync: async (s: string) => Buffer.from(`sealed:${s}`),
  decryptStringAsync: async (b: Buffer) => ({ result: b.toString().slice(7), shouldReEncrypt: false }),
}

export const screen = { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] }
export const nativeTheme = { themeSource: 'system' }
export const dialog = {
  showMessageBox: async (o: unknown) => (record('dialog', o), { response: 0 }),
  showErrorBox: (title: string, body: string) => record('showErrorBox', { title, body }),
}
export const shell = { openExternal: async (url: string) => void record('openExternal', url) }

const electron = { app, protocol, session, ipcMain, BrowserWindow, Tray, Menu, nativeImage, Notification, safeStorage, screen, nativeTheme, dialog, shell }
export default electron

// Ready on the next turn, like Electron after its module graph loaded; then the scenario (if any) drives the app.
setTimeout(() => {
  ready()
  const scenario = process.env.FAKE_ELECTRON_SCENARIO
  if (scenario !== undefined) void import(scenario).then((m: { run(e: typeof electron, rec: typeof recorded): Promise<void> }) => m.run(electron, recorded))
}, 0)
