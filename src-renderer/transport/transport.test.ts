// The Electron bridge as a Transport: peer events and shell messages are told apart, desktop calls go through.
import { describe, expect, it } from 'vitest'
import type { BridgeMessage, DesktopBridge } from '../../src-shared/contract/bridge.ts'
import { bridgeTransport } from './transport.ts'

function fakeBridge() {
  const listeners = new Set<(m: BridgeMessage) => void>()
  const calls: string[] = []
  const bridge: DesktopBridge = {
    call: async (name) => {
      calls.push(name)
      return { ok: true, data: {} as never }
    },
    on: (l) => {
      listeners.add(l)
      return () => listeners.delete(l)
    },
  }
  return { bridge, calls, send: (m: BridgeMessage) => listeners.forEach((l) => l(m)) }
}

describe('bridgeTransport', () => {
  it('delivers peer events to on() and navigation requests to onNavigate()', () => {
    const b = fakeBridge()
    const t = bridgeTransport(b.bridge)
    const events: string[] = []
    const targets: string[] = []
    t.on((m) => events.push(m.type))
    t.onNavigate((n) => targets.push(`${n.screen}:${n.id ?? ''}`))
    b.send({ type: 'peer.left', at: 1, payload: { peerId: 'p' } })
    b.send({ type: 'app.navigate', at: 2, payload: { screen: 'custody', id: 'r1' } })
    expect(events).toEqual(['peer.left'])
    expect(targets).toEqual(['custody:r1'])
    expect(t.connection().state).toBe('open')
  })

  it('passes contract and desktop calls to the bridge', async () => {
    const b = fakeBridge()
    const t = bridgeTransport(b.bridge)
    await t.call('node.status', {})
    await t.callDesktop('desktop.settings.get', {})
    expect(b.calls).toEqual(['node.status', 'desktop.settings.get'])
  })
})
