// The Electron main process: a thin shell around the core. It hosts the peer, opens the hardened window and
// wires IPC from the contract. All logic lives in the core; this file only adapts Electron to it.
import { join } from 'node:path'
import { app, BrowserWindow, session, shell } from 'electron'
import { Peer } from '../core/peer.ts'
import { forwardEvents, registerIpc } from './ipc.ts'
import { CONTENT_SECURITY_POLICY, secureWindowOptions } from './window-options.ts'

let mainWindow: BrowserWindow | undefined
let peer: Peer | undefined

function rendererUrl(): { url?: string; file?: string } {
  const dev = process.env.ELECTRON_RENDERER_URL
  return !app.isPackaged && dev ? { url: dev } : { file: join(import.meta.dirname, '../renderer/index.html') }
}

function createWindow(): BrowserWindow {
  const win = new BrowserWindow(secureWindowOptions(join(import.meta.dirname, '../preload/index.cjs'), { devTools: !app.isPackaged }))
  win.once('ready-to-show', () => win.show())
  // No navigation away from our own page, no new windows; http(s) links the user clicks open in the browser.
  win.webContents.on('will-navigate', (event) => event.preventDefault())
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (/^https?:\/\//.test(url)) void shell.openExternal(url)
    return { action: 'deny' }
  })
  const target = rendererUrl()
  if (target.url) void win.loadURL(target.url)
  else if (target.file) void win.loadFile(target.file)
  return win
}

async function start(): Promise<void> {
  if (!app.requestSingleInstanceLock()) {
    app.quit()
    return
  }
  app.on('second-instance', () => {
    if (mainWindow?.isMinimized()) mainWindow.restore()
    mainWindow?.focus()
  })
  await app.whenReady()
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false))
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } })
  })
  peer = await Peer.open({ dataDir: join(app.getPath('userData'), 'bzzz'), command: 'bzzz desktop' })
  registerIpc(peer, (contents) => mainWindow !== undefined && contents === mainWindow.webContents)
  mainWindow = createWindow()
  forwardEvents(peer, () => mainWindow?.webContents)
  app.on('before-quit', () => {
    void peer?.close()
  })
}

void start()
