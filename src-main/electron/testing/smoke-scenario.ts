// Drives src-main/electron/main.ts (running on fake-electron.ts) like a user: IPC from the window (and from a
// stranger), onboarding, publish, settings, the hardening hooks, close to tray, a second launch, Quit from the tray.
// Prints one line `SMOKE <json>` with what happened; main-smoke.test.ts checks it.
import type * as Fake from './fake-electron.ts'

type Electron = typeof Fake.default
type Answer = { ok: boolean; data?: Record<string, unknown>; error?: { code: string; message: string } }

async function until(what: string, cond: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

export async function run(e: Electron, recorded: typeof Fake.recorded): Promise<void> {
  const report: Record<string, unknown> = {}
  try {
    await until('IPC handlers and a shown window', () => e.ipcMain.handlers.has('bzzz:call:node.status') && e.BrowserWindow.getAllWindows()[0]?.visible === true)
    const win = e.BrowserWindow.getAllWindows()[0]!
    const wc = win.webContents
    const fromWindow = { sender: { id: wc.id, mainFrame: wc.mainFrame }, senderFrame: wc.mainFrame }
    const invoke = (name: string, args: unknown, event: unknown = fromWindow) => e.ipcMain.handlers.get(`bzzz:call:${name}`)!(event, args) as Promise<Answer>
    report.channels = e.ipcMain.handlers.size
    report.url = wc.mainFrame.url
    report.webPreferences = win.options.webPreferences
    report.privileged = e.protocol.privileged
    report.servesScheme = e.protocol.handlers.has('bzzz')

    report.statusBefore = await invoke('node.status', {})
    if (process.env.FAKE_ELECTRON_SCENARIO_MODE === 'restart') return quit(e, recorded, report)
    report.stranger = await invoke('node.status', {}, { sender: { id: 999, mainFrame: wc.mainFrame }, senderFrame: wc.mainFrame })
    report.created = await invoke('network.create', { networkName: 'smoke', memberName: 'alice', passphrase: 'smoke test passphrase' })
    await until('the network running, told to the window', () => wc.sent.some((s) => (s.message as { type: string; payload: { state?: string } }).type === 'node.status' && (s.message as { payload: { state?: string } }).payload.state === 'running'))
    report.published = await invoke('decisions.publish', { type: 'decision', title: 'Smoke', body: 'test', audience: 'observer', project: 'smoke', task: 'main' })
    report.settings = await invoke('desktop.settings.set', { rememberUnlock: true, theme: 'dark' })
    report.themeSource = e.nativeTheme.themeSource

    report.permission = await new Promise((r) => e.session.defaultSession.permissionRequest?.(wc, 'media', r))
    report.permissionCheck = e.session.defaultSession.permissionCheck?.(wc, 'clipboard-read')
    report.linkClick = wc.openHandler?.({ url: 'https://example.com/', disposition: 'foreground-tab' })
    report.scriptOpen = wc.openHandler?.({ url: 'https://evil.example/', disposition: 'new-window' })
    const prevented: string[] = []
    wc.emit('will-navigate', { preventDefault: () => prevented.push('navigate') }, 'https://evil.example/')
    wc.emit('will-attach-webview', { preventDefault: () => prevented.push('webview') })
    report.prevented = prevented

    win.close()
    report.afterClose = { visible: win.visible, destroyed: win.destroyed }
    win.show()
    win.close()
    report.notifications = e.Notification.shown.map((n) => n.options.title)
    e.app.emit('second-instance')
    report.afterSecondInstance = win.visible
    report.trayTooltip = e.Tray.last?.tooltip
    report.trayMenu = e.Tray.last?.menu.map((i) => i.label ?? i.type)

    quit(e, recorded, report)
  } catch (err) {
    console.log(`SMOKE-ERROR ${err instanceof Error ? err.stack : String(err)} ${JSON.stringify(report)}`)
    process.exit(1)
  }
}

/** Quit from the tray menu; the report is printed once the app exits (after the shutdown). */
function quit(e: Electron, recorded: typeof Fake.recorded, report: Record<string, unknown>): void {
  process.once('fake-electron-exit' as never, (code: number) => {
    report.exit = code
    report.recorded = recorded.map((r) => r.what)
    console.log(`SMOKE ${JSON.stringify(report)}`)
    process.exit(code)
  })
  e.Tray.last?.menu.find((i) => i.label === 'Quit BZZZ')?.click?.()
}
