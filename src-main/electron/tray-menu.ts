// The tray's menu model (tray-state.ts) as Electron menu template items. Types only from 'electron': testable
// without the binary.
import type { MenuItemConstructorOptions } from 'electron'
import type { MenuAction, MenuItemModel } from './tray-state.ts'

export interface MenuHandlers {
  onAction(action: MenuAction): void
  onLaunchAtLogin(enabled: boolean): void
}

export function menuTemplate(items: readonly MenuItemModel[], handlers: MenuHandlers): MenuItemConstructorOptions[] {
  return items.map((item): MenuItemConstructorOptions => {
    switch (item.kind) {
      case 'status':
        return { label: item.label, enabled: false }
      case 'separator':
        return { type: 'separator' }
      case 'checkbox':
        return { label: item.label, type: 'checkbox', checked: item.checked, click: (menuItem) => handlers.onLaunchAtLogin(menuItem.checked) }
      case 'action':
        return { label: item.label, enabled: item.enabled, click: () => handlers.onAction(item.id) }
    }
  })
}
