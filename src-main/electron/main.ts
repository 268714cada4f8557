// The Electron main process: wiring only. The shell's logic is in shell.ts (and the plain modules it uses); this file
// gives it Electron's window, tray, notifications, login items, theme and safeStorage, and hosts the core (the same
// Peer as `bzzz peer`, with the same DIR/config.json).
import { createWriteStream, mkdirSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { app, dialog, ipcMain, nativeTheme, Notification, protocol, safeStorage, screen, session } from 'electron'
import ElectronStore from 'electron-store'
import { loadConfig } from '../core/config/manager.ts'
import { createLogger } from '../core/log.ts'
import { Peer } from '../core/peer.ts'
import { APP_ENTRY_URL, APP_SCHEME, APP_SCHEME_PRIVILEGES, appResponseHeaders, resolveAppAsset } from './app-protocol.ts'
import { registerIpc, type IpcMainLike } from './ipc.ts'
import { autostartPath, desktopPaths, launchCommand, setLinuxAutostart } from './platform.ts'
import { RememberUnlock } from './remember-unlock.ts'
import { SettingsService, settingsStoreOptions, type KeyValueStore } from './settings.ts'
import { DesktopShell, type ShellPorts } from './shell.ts'
import { ElectronTray } from './tray.ts'
import { hardenSession, hardenWebContents, MainWindow } from './window.ts'
import { restoreBounds } from './window-options.ts'

// Before anything else: the app scheme must be privileged before 'ready', and the data directory chosen before the
// single-instance lock (which lives in userData).
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: APP_SCHEME_PRIVILEGES }])
const paths = desktopPaths(process.env, app.getPath('userData'))
if (paths.userData !== undefined) app.setPath('userData', paths.userData)

const devUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined
const resourcesDir = app.isPackaged ? process.resourcesPath : join(app.getAppPath(), 'resources')

function logDestination(): NodeJS.WritableStream {
  if (!app.isPackaged) return process.stdout
  const dir = join(app.getPath('userData'), 'logs')
  mkdirSync(dir, { recursive: true })
  return createWriteStream(join(dir, 'desktop.log'), { flags: 'a', mode: 0o600 })
}

function serveApp(): void {
  const root = join(import.meta.dirname, '../renderer')
  protocol.handle(APP_SCHEME, async (request) => {
    const file = resolveAppAsset(root, request.url)
    if (file === undefined) return new Response('not found', { status: 404 })
    try {
      return new Response(await readFile(file), { headers: appResponseHeaders(file) })
    } catch {
      return new Response('not found', { status: 404 })
    }
  })
}

async function main(): Promise<void> {
  await app.whenReady()
  const log = createLogger(process.env.BZZZ_LOG_LEVEL === 'debug' ? 'debug' : 'info', logDestination())
  if (process.platform === 'win32') app.setAppUserModelId('org.bzzz.desktop')
  hardenSession(session.defaultSession)
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, log))
  serveApp()

  const store = new ElectronStore<Record<string, unknown>>(settingsStoreOptions()) as unknown as KeyValueStore
  const settings = new SettingsService(store, (message, fields) => log('warn', message, fields))
  const remember = new RememberUnlock({ safe: safeStorage, platform: process.platform, settings, log })

  const window: MainWindow = new MainWindow({
    preload: join(import.meta.dirname, '../preload/index.cjs'),
    url: devUrl ?? APP_ENTRY_URL,
    devTools: !app.isPackaged,
    icon: process.platform === 'linux' ? join(resourcesDir, app.isPackaged ? 'icon.png' : 'icons/256x256.png') : undefined,
    bounds: restoreBounds(settings.get().windowBounds, screen.getAllDisplays().map((d) => d.workArea)),
    saveBounds: (bounds) => settings.update({ windowBounds: bounds }),
    onClose: () => desktop.onWindowClose(),
    log,
  })
  const tray = new ElectronTray(join(resourcesDir, 'tray'), {
    onAction: (action) => void desktop.onMenu(action),
    onLaunchAtLogin: (enabled) => desktop.setLaunchAtLogin(enabled),
  })
  const ports: ShellPorts = {
    showWindow: () => window.show(),
    hideWindow: () => window.hide(),
    sendToWindow: (message) => window.send(message),
    renderTray: (view) => tray.render(view),
    destroyTray: () => tray.destroy(),
    notify: ({ title, body, onClick }) => {
      if (Notification.isSupported()) {
        const n = new Notification({ title, body })
        if (onClick !== undefined) n.on('click', onClick)
        n.show()
      } else if (onClick === undefined) {
        void dialog.showMessageBox({ type: 'info', title: 'BZZZ', message: title, detail: body })
      }
    },
    setLoginItem: (openAtLogin) => {
      if (process.platform === 'linux') {
        const command = launchCommand(process.env, process.execPath, app.isPackaged ? undefined : app.getAppPath())
        void setLinuxAutostart(openAtLogin, autostartPath(process.env), command).catch((err: unknown) => log('warn', 'launch at login could not be changed', { error: String(err) }))
      } else {
        app.setLoginItemSettings({ openAtLogin })
      }
    },
    setTheme: (theme) => {
      nativeTheme.themeSource = theme
    },
    requestQuit: () => app.quit(),
    exit: (code) => {
      window.destroy()
      app.exit(code)
    },
  }
  // The window's and the tray's callbacks above run only after this exists (the window is shown below).
  const desktop: DesktopShell = new DesktopShell({
    openPeer: async () => {
      // The desktop app asks its user before releasing a custody share (a headless peer releases automatically).
      const { config, overrides, unknownEnv } = await loadConfig({ dataDir: paths.dataDir, env: process.env, defaults: { custody: { policy: 'ask' } } })
      log.setLevel(config.logLevel)
      if (unknownEnv.length > 0) log('warn', 'environment variables that name no setting are ignored', { variables: unknownEnv })
      return Peer.open({ dataDir: paths.dataDir, command: 'bzzz desktop', config, configOverrides: overrides, logger: log })
    },
    settings,
    remember,
    ports,
    log,
    registerIpc: (deps) => registerIpc(ipcMain as unknown as IpcMainLike, { ...deps, trusted: () => window.trusted }),
  })

  app.on('second-instance', () => desktop.openWindow())
  app.on('activate', () => desktop.openWindow()) // macOS: a click on the dock icon
  app.on('window-all-closed', () => undefined) // the peer keeps running in the tray
  let quitting = false
  app.on('before-quit', (event) => {
    // Quit from the tray, Cmd+Q, the OS logging out: hold the quit until the peer is closed; exit() ends it.
    event.preventDefault()
    if (!quitting) {
      quitting = true
      void desktop.quit()
    }
  })
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.quit())

  const started = desktop.start() // registers IPC before the page can call
  window.show()
  await started
  log('info', 'desktop app started', { dataDir: paths.dataDir })
}

if (!app.requestSingleInstanceLock()) {
  // Another instance owns this profile: it gets 'second-instance' and shows its window; this one ends here.
  app.exit(0)
} else {
  void main().catch((err: unknown) => {
    dialog.showErrorBox('BZZZ could not start', err instanceof Error ? err.message : String(err))
    app.exit(1)
  })
}
