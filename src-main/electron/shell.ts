// The desktop shell's logic, without Electron: it opens the peer, supervises its network, feeds the tray state machine,
// raises notifications that open the right screen, keeps the peer running when the window closes (saying so once),
// answers the desktop calls, remembers the unlock, and shuts down in order. main.ts gives it "ports" (the window, the
// tray, notifications, login items, theme, exit) made of Electron calls; tests give it fakes.
import type { BridgeMessage } from '../../src-shared/contract/bridge.ts'
import { navigateMessage, type NavigateTarget, type Theme } from '../../src-shared/contract/desktop.ts'
import type { EventMessage } from '../../src-shared/contract/events.ts'
import { BzzzError } from '../../src-shared/errors.ts'
import { NetworkSupervisor } from '../core/network-supervisor.ts'
import type { Logger, Peer } from '../core/peer.ts'
import { forwardEvents, type DesktopHandlers, type IpcDeps, type IpcRegistration } from './ipc.ts'
import type { RememberUnlock, VaultKeyAccess } from './remember-unlock.ts'
import { desktopSettingsView, type SettingsService } from './settings.ts'
import { createShutdown } from './shutdown.ts'
import { initialTray, reduceTray, trayView, type MenuAction, type TrayEvent, type TrayModel, type TrayView } from './tray-state.ts'

export interface ShellPorts {
  /** Shows the window (restored and focused). */
  showWindow(): void
  hideWindow(): void
  /** Delivers a message to the renderer's `on` listeners (queued by the adapter until the page has loaded). */
  sendToWindow(message: BridgeMessage): void
  renderTray(view: TrayView): void
  destroyTray(): void
  notify(notification: { title: string; body: string; onClick?: () => void }): void
  setLoginItem(openAtLogin: boolean): void
  setTheme(theme: Theme): void
  /** Asks the app to quit (Electron: app.quit(), which comes back through `quit()`). */
  requestQuit(): void
  exit(code: number): void
}

export interface ShellOptions {
  openPeer(): Promise<Peer>
  settings: SettingsService
  remember: RememberUnlock
  ports: ShellPorts
  log: Logger
  registerIpc(deps: Omit<IpcDeps, 'trusted'>): IpcRegistration
  /** Custody requests expire: how often the tray drops expired ones (ms). */
  tickMs?: number
}

export const CLOSE_TO_TRAY_NOTICE = {
  title: 'BZZZ is still running',
  body: 'Your peer keeps serving the network from the tray. Open it again from the tray icon (or by launching BZZZ); quit from the tray menu.',
}

export function vaultAccess(peer: Peer): VaultKeyAccess {
  return {
    vaultState: () => peer.vaultState,
    exportKey: () => peer.vaultHandle.exportKey(),
    unlockWithKey: async (key) => {
      await peer.unlockWithKey(key)
    },
  }
}

export class DesktopShell {
  private readonly opts: ShellOptions
  private peerRef: Peer | undefined
  private startupErrorText: string | undefined
  private supervisor: NetworkSupervisor | undefined
  private ipc: IpcRegistration | undefined
  private tray: TrayModel
  private subscriptions: (() => void)[] = []
  private ticker: ReturnType<typeof setInterval> | undefined
  private quittingFlag = false
  readonly quit: () => Promise<void>

  constructor(opts: ShellOptions) {
    this.opts = opts
    this.tray = initialTray({ launchAtLogin: opts.settings.get().launchAtLogin })
    this.quit = createShutdown(
      [
        { name: 'refuse new IPC calls and events', run: () => this.stopTakingWork() },
        { name: 'finish IPC calls in flight', run: () => this.ipc?.drain(5_000), timeoutMs: 6_000 },
        { name: 'stop supervising the network', run: () => this.stopSupervising() },
        { name: 'close the peer (network, vault, store, lock)', run: () => this.peerRef?.close(), timeoutMs: 15_000 },
        { name: 'remove the tray', run: () => this.opts.ports.destroyTray() },
        { name: 'exit', run: () => this.opts.ports.exit(0) },
      ],
      (level, message, fields) => opts.log(level, message, fields),
    )
  }

  get peer(): Peer | undefined {
    return this.peerRef
  }

  get quitting(): boolean {
    return this.quittingFlag
  }

  get trayModel(): TrayModel {
    return this.tray
  }

  /** Registers IPC, opens the peer (a failure is shown, not thrown), unlocks a remembered vault, starts the network. */
  async start(): Promise<void> {
    const { ports, settings } = this.opts
    this.render()
    ports.setTheme(settings.get().theme)
    let opened: () => void = () => undefined
    const ready = new Promise<void>((resolve) => {
      opened = resolve
    })
    this.ipc = this.opts.registerIpc({
      ready: () => ready,
      peer: () => this.peerRef,
      startupError: () => this.startupErrorText,
      desktop: this.desktopHandlers(),
      log: this.opts.log,
    })
    this.ticker = setInterval(() => this.apply({ type: 'tick', now: Date.now() }), this.opts.tickMs ?? 30_000)
    this.ticker.unref?.()
    await this.openPeer(opened)
  }

  /** `opened` is called once calls can be answered: the peer is open (and unlocked when remembered) or failed. */
  private async openPeer(opened: () => void = () => undefined): Promise<void> {
    let peer: Peer
    try {
      peer = await this.opts.openPeer()
    } catch (err) {
      this.startupErrorText = err instanceof Error ? err.message : String(err)
      this.opts.log('error', 'the peer could not start', { error: this.startupErrorText })
      this.apply({ type: 'startupFailed', error: this.startupErrorText })
      opened()
      return
    }
    this.peerRef = peer
    this.startupErrorText = undefined
    this.subscriptions.push(
      peer.events.subscribe((message) => this.onCoreEvent(peer, message)),
      forwardEvents(peer, (message) => this.opts.ports.sendToWindow(message)),
    )
    await this.opts.remember.unlockAtStartup(vaultAccess(peer)).catch((err: unknown) => this.opts.log('warn', 'remembered unlock failed', { error: String(err) }))
    opened()
    const supervisor = new NetworkSupervisor(peer, this.opts.log)
    this.supervisor = supervisor
    // A failed start (port in use...) leaves the peer in 'error' with the reason: the tray and the window show it.
    await supervisor.begin().catch((err: unknown) => this.opts.log('error', 'network failed to start', { error: err instanceof Error ? err.message : String(err) }))
    const status = peer.status()
    this.apply({ type: 'status', status })
    // The window may have asked for the status before the peer was open: tell it now.
    this.opts.ports.sendToWindow({ type: 'node.status', at: Date.now(), payload: status })
  }

  private onCoreEvent(peer: Peer, message: EventMessage): void {
    if (message.type === 'node.status') {
      this.apply({ type: 'status', status: message.payload })
      if (message.payload.vault === 'unlocked') void this.opts.remember.capture(vaultAccess(peer)).catch((err: unknown) => this.opts.log('warn', 'could not remember the unlock', { error: String(err) }))
    } else {
      this.apply({ type: 'core', message })
    }
  }

  private apply(event: TrayEvent): void {
    const { model, notifications } = reduceTray(this.tray, event)
    this.tray = model
    this.render()
    for (const n of notifications) this.opts.ports.notify({ title: n.title, body: n.body, onClick: () => this.openScreen(n.target) })
  }

  private render(): void {
    if (!this.quittingFlag) this.opts.ports.renderTray(trayView(this.tray))
  }

  openWindow(): void {
    this.opts.ports.showWindow()
  }

  openScreen(target: NavigateTarget): void {
    this.opts.ports.showWindow()
    this.opts.ports.sendToWindow(navigateMessage(target))
  }

  /** The window's close button: keep running in the tray (and say so the first time), unless quitting. */
  onWindowClose(): 'hide' | 'close' {
    if (this.quittingFlag) return 'close'
    this.opts.ports.hideWindow()
    if (!this.opts.settings.get().closeToTrayNoticeShown) {
      this.opts.ports.notify(CLOSE_TO_TRAY_NOTICE)
      this.opts.settings.update({ closeToTrayNoticeShown: true })
    }
    return 'hide'
  }

  async onMenu(action: MenuAction): Promise<void> {
    switch (action) {
      case 'open':
        return this.openWindow()
      case 'custody':
        return this.openScreen({ screen: 'custody', ...(this.tray.custody[0] === undefined ? {} : { id: this.tray.custody[0].id }) })
      case 'election':
        return this.openScreen({ screen: 'elections' })
      case 'pause':
        this.apply({ type: 'paused', paused: true })
        return this.supervisor?.pause()
      case 'resume':
        this.apply({ type: 'paused', paused: false })
        return this.supervisor?.resume().catch((err: unknown) => this.opts.log('error', 'network failed to start', { error: String(err) }))
      case 'retry':
        if (this.peerRef !== undefined) return
        this.apply({ type: 'startupRetry' })
        return this.openPeer()
      case 'quit':
        return this.opts.ports.requestQuit()
    }
  }

  setLaunchAtLogin(enabled: boolean): void {
    this.opts.ports.setLoginItem(enabled)
    this.opts.settings.update({ launchAtLogin: enabled })
    this.apply({ type: 'launchAtLogin', enabled })
  }

  desktopHandlers(): DesktopHandlers {
    const { settings, remember, ports } = this.opts
    const view = async () => desktopSettingsView(settings.get(), await remember.support())
    return {
      'desktop.settings.get': view,
      'desktop.settings.set': async (args) => {
        // Remembering first: when it is refused (no keychain), nothing else of the change is applied either.
        if (args.rememberUnlock === true) {
          const peer = this.peerRef
          if (peer === undefined) throw new BzzzError('unavailable', this.startupErrorText ?? 'the peer is still starting')
          await remember.enable(vaultAccess(peer))
        } else if (args.rememberUnlock === false) remember.disable()
        if (args.launchAtLogin !== undefined) this.setLaunchAtLogin(args.launchAtLogin)
        if (args.theme !== undefined) {
          settings.update({ theme: args.theme })
          ports.setTheme(args.theme)
        }
        return view()
      },
    }
  }

  private stopTakingWork(): void {
    this.quittingFlag = true
    this.ipc?.dispose()
    if (this.ticker !== undefined) clearInterval(this.ticker)
    for (const off of this.subscriptions.splice(0)) off()
  }

  private stopSupervising(): void {
    this.supervisor?.dispose()
  }
}
