import type { MenuItem } from 'electron'
import { describe, expect, it, vi } from 'vitest'
import { menuTemplate } from './tray-menu.ts'
import { initialTray, reduceTray, trayView } from './tray-state.ts'

describe('tray menu template', () => {
  it('renders the model: a disabled status line, actions that call back, the login checkbox', () => {
    const model = reduceTray(initialTray({ launchAtLogin: true }), {
      type: 'status',
      status: { version: '0', state: 'running', vault: 'unlocked', listenAddrs: [], connectedPeers: 2, term: 0 },
    }).model
    const onAction = vi.fn()
    const onLaunchAtLogin = vi.fn()
    const template = menuTemplate(trayView(model).menu, { onAction, onLaunchAtLogin })
    expect(template.map((i) => i.type ?? i.label)).toEqual(['Connected to 2 peers', 'separator', 'Open BZZZ', 'Pause peer', 'separator', 'checkbox', 'separator', 'Quit BZZZ'])
    expect(template[0]).toMatchObject({ enabled: false })
    const click = (label: string, item?: Partial<MenuItem>) => template.find((i) => i.label === label)?.click?.(item as MenuItem, undefined, {} as never)
    click('Open BZZZ')
    click('Pause peer')
    click('Quit BZZZ')
    expect(onAction.mock.calls.map((c) => c[0])).toEqual(['open', 'pause', 'quit'])
    expect(template.find((i) => i.type === 'checkbox')).toMatchObject({ label: 'Launch at login', checked: true })
    click('Launch at login', { checked: false })
    expect(onLaunchAtLogin).toHaveBeenCalledWith(false)
  })
})
