// The Electron tray: renders a TrayView (tray-state.ts) and forwards menu clicks. No logic of its own.
import { join } from 'node:path'
import { Menu, nativeImage, Tray, type NativeImage } from 'electron'
import { menuTemplate, type MenuHandlers } from './tray-menu.ts'
import type { TrayIcon, TrayView } from './tray-state.ts'

export class ElectronTray {
  private readonly iconDir: string
  private readonly handlers: MenuHandlers
  private readonly images = new Map<TrayIcon, NativeImage>()
  private tray: Tray | undefined
  private last = ''

  /** `iconDir` holds tray-<variant>.png and tray-<variant>@2x.png (resources/tray). */
  constructor(iconDir: string, handlers: MenuHandlers) {
    this.iconDir = iconDir
    this.handlers = handlers
  }

  private image(icon: TrayIcon): NativeImage {
    let image = this.images.get(icon)
    if (image === undefined) {
      // Electron picks the @2x file beside it on high-density displays.
      image = nativeImage.createFromPath(join(this.iconDir, `tray-${icon}.png`))
      this.images.set(icon, image)
    }
    return image
  }

  render(view: TrayView): void {
    const key = JSON.stringify(view)
    if (key === this.last && this.tray !== undefined) return
    this.last = key
    if (this.tray === undefined || this.tray.isDestroyed()) {
      this.tray = new Tray(this.image(view.icon))
      // Windows: a click on the icon opens the window (the menu is on right click). macOS and Linux show the menu.
      if (process.platform === 'win32') this.tray.on('click', () => this.handlers.onAction('open'))
    } else {
      this.tray.setImage(this.image(view.icon))
    }
    this.tray.setToolTip(view.tooltip)
    if (process.platform === 'darwin') this.tray.setTitle(view.title)
    this.tray.setContextMenu(Menu.buildFromTemplate(menuTemplate(view.menu, this.handlers)))
  }

  destroy(): void {
    this.tray?.destroy()
    this.tray = undefined
  }
}
