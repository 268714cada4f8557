// The Electron side of the window: creates the hardened BrowserWindow (options from window-options.ts), applies the
// navigation, new-window, webview and permission policies, remembers its bounds, queues messages until the page has
// loaded, and answers "which window may call" for the IPC sender check. Logic that can be tested lives in the plain
// modules; this file only calls Electron.
import { BrowserWindow, shell, type Session, type WebContents } from 'electron'
import type { BridgeMessage } from '../../src-shared/contract/bridge.ts'
import type { Logger } from '../core/peer.ts'
import { IPC_CHANNELS, originOf, type TrustedWindow } from './ipc.ts'
import type { WindowBounds } from './settings.ts'
import { externalLinkToOpen, secureWindowOptions } from './window-options.ts'

/** Guards for every webContents the app ever creates (app 'web-contents-created'). */
export function hardenWebContents(contents: WebContents, log: Logger): void {
  // The renderer is a single page: it never navigates. Links open through the window-open handler below.
  contents.on('will-navigate', (event, url) => {
    event.preventDefault()
    log('warn', 'navigation blocked', { url: url.slice(0, 200) })
  })
  contents.on('will-redirect', (event) => event.preventDefault())
  contents.on('will-attach-webview', (event) => event.preventDefault())
  contents.setWindowOpenHandler(({ url, disposition }) => {
    const external = externalLinkToOpen(url, disposition)
    if (external !== undefined) void shell.openExternal(external)
    else log('warn', 'new window blocked', { url: url.slice(0, 200), disposition })
    return { action: 'deny' }
  })
}

/** Every permission (camera, notifications from the page, clipboard read, HID, serial...) is denied; no downloads. */
export function hardenSession(ses: Session): void {
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false))
  ses.setPermissionCheckHandler(() => false)
  ses.setDevicePermissionHandler(() => false)
  ses.on('will-download', (event) => event.preventDefault())
}

export interface MainWindowOptions {
  preload: string
  /** bzzz://app/index.html, or the dev server's URL under `electron-vite dev`. */
  url: string
  devTools: boolean
  icon: string | undefined
  bounds: WindowBounds | undefined
  saveBounds(bounds: WindowBounds): void
  /** The close button: 'hide' keeps the app in the tray. */
  onClose(): 'hide' | 'close'
  log: Logger
}

export class MainWindow {
  private readonly opts: MainWindowOptions
  private win: BrowserWindow | undefined
  private loaded = false
  private queue: BridgeMessage[] = []
  private saveTimer: ReturnType<typeof setTimeout> | undefined

  constructor(opts: MainWindowOptions) {
    this.opts = opts
  }

  /** The window allowed to make IPC calls, while it exists. */
  get trusted(): TrustedWindow | undefined {
    const origin = originOf(this.opts.url)
    if (this.win === undefined || this.win.isDestroyed() || origin === undefined) return undefined
    return { webContentsId: this.win.webContents.id, origin }
  }

  get window(): BrowserWindow | undefined {
    return this.win
  }

  private create(): BrowserWindow {
    const win = new BrowserWindow(secureWindowOptions(this.opts.preload, { devTools: this.opts.devTools, bounds: this.opts.bounds, ...(this.opts.icon === undefined ? {} : { icon: this.opts.icon }) }))
    if (this.opts.bounds?.maximized === true) win.maximize()
    win.once('ready-to-show', () => win.show())
    win.webContents.on('did-start-loading', () => {
      this.loaded = false
    })
    win.webContents.on('did-finish-load', () => {
      this.loaded = true
      for (const message of this.queue.splice(0)) win.webContents.send(IPC_CHANNELS.event, message)
    })
    win.webContents.on('render-process-gone', (_event, details) => {
      this.opts.log('error', 'the window crashed; reloading it', { reason: details.reason })
      if (details.reason !== 'clean-exit' && !win.isDestroyed()) win.reload()
    })
    const remember = () => {
      clearTimeout(this.saveTimer)
      this.saveTimer = setTimeout(() => this.saveBounds(win), 500)
    }
    win.on('resize', remember)
    win.on('move', remember)
    win.on('close', (event) => {
      this.saveBounds(win)
      if (this.opts.onClose() === 'hide') event.preventDefault()
    })
    win.on('closed', () => {
      clearTimeout(this.saveTimer)
      this.win = undefined
      this.loaded = false
    })
    void win.loadURL(this.opts.url).catch((err: unknown) => this.opts.log('error', 'the window could not load the app', { error: String(err) }))
    return win
  }

  private saveBounds(win: BrowserWindow): void {
    if (win.isDestroyed() || win.isMinimized()) return
    const b = win.getNormalBounds()
    this.opts.saveBounds({ x: b.x, y: b.y, width: b.width, height: b.height, maximized: win.isMaximized() })
  }

  /** Creates the window if needed, restores and focuses it. */
  show(): void {
    if (this.win === undefined || this.win.isDestroyed()) {
      this.win = this.create()
      return // shown on ready-to-show
    }
    if (this.win.isMinimized()) this.win.restore()
    this.win.show()
    this.win.focus()
  }

  hide(): void {
    this.win?.hide()
  }

  /**
   * Delivers a message to the renderer now, or, while the page is loading, once it has loaded: only what is still
   * true then is kept (the latest navigation request and the latest status); a loading page fetches the rest itself.
   */
  send(message: BridgeMessage): void {
    const win = this.win
    if (win !== undefined && !win.isDestroyed() && this.loaded) {
      win.webContents.send(IPC_CHANNELS.event, message)
      return
    }
    if (message.type !== 'app.navigate' && message.type !== 'node.status') return
    this.queue = [...this.queue.filter((m) => m.type !== message.type), message]
  }

  destroy(): void {
    clearTimeout(this.saveTimer)
    this.win?.destroy()
    this.win = undefined
  }
}

