import { describe, expect, it } from 'vitest'
import type { EventMessage } from '../../src-shared/contract/events.ts'
import type { NodeStatus } from '../../src-shared/network.ts'
import { initialTray, reduceTray, trayView, type TrayEvent, type TrayModel } from './tray-state.ts'

const NOW = 1_700_000_000_000

function status(over: Partial<NodeStatus> = {}): NodeStatus {
  return { version: '0.1.0', state: 'running', vault: 'unlocked', member: { id: 'alice', name: 'alice', role: 'architect', networkId: 'n', networkName: 'acme' }, listenAddrs: [], connectedPeers: 3, admin: 'bob', term: 1, ...over }
}

function core(message: Omit<EventMessage, 'at'> & { at?: number }): TrayEvent {
  return { type: 'core', message: { at: NOW, ...message } as EventMessage }
}

function run(events: TrayEvent[], start: TrayModel = initialTray({ launchAtLogin: false })) {
  let model = start
  const notifications = []
  for (const e of events) {
    const r = reduceTray(model, e)
    model = r.model
    notifications.push(...r.notifications)
  }
  return { model, view: trayView(model), notifications }
}

const custodyRequest = (id: string, state: 'pending' | 'approved' = 'pending', expiresAt = NOW + 60_000) =>
  core({ type: 'custody.request', payload: { id, term: 4, winner: 'carol', certifiedBy: ['a', 'b'], requestedAt: NOW, expiresAt, state } })

describe('tray state machine', () => {
  it('starts as "starting" before the first status', () => {
    const { view } = run([])
    expect(view).toMatchObject({ kind: 'starting', icon: 'idle', status: 'Starting…', tooltip: 'BZZZ — Starting…', title: '' })
  })

  it('connected with N peers, and admin when this member holds the seat', () => {
    expect(run([{ type: 'status', status: status() }]).view).toMatchObject({ kind: 'connected', icon: 'active', status: 'Connected to 3 peers', title: '3' })
    expect(run([{ type: 'status', status: status({ connectedPeers: 1 }) }]).view.status).toBe('Connected to 1 peer')
    expect(run([{ type: 'status', status: status({ admin: 'alice' }) }]).view).toMatchObject({ kind: 'admin', status: 'Admin · connected to 3 peers' })
    expect(run([{ type: 'status', status: status({ vault: 'locked', member: undefined }) }]).view.status).toBe('Connected to 3 peers · vault locked')
  })

  it('before onboarding says how to get into a network; a stopped network is "not connected"', () => {
    expect(run([{ type: 'status', status: status({ state: 'stopped', vault: 'absent', member: undefined }) }]).view).toMatchObject({ kind: 'setup', icon: 'idle' })
    expect(run([{ type: 'status', status: status({ state: 'stopped' }) }]).view).toMatchObject({ kind: 'offline', status: 'Not connected' })
  })

  it('an error shows its reason, from the peer or from start-up, and wins over everything else', () => {
    const peerError = run([custodyRequest('r1'), { type: 'status', status: status({ state: 'error', lastError: 'a listen address is already in use' }) }])
    expect(peerError.view).toMatchObject({ kind: 'error', icon: 'error', status: 'Error: a listen address is already in use' })
    const startup = run([{ type: 'startupFailed', error: 'the directory is in use by bzzz peer (pid 42)' }])
    expect(startup.view.status).toBe('Error: the directory is in use by bzzz peer (pid 42)')
    expect(startup.view.menu).toContainEqual({ kind: 'action', id: 'retry', label: 'Retry starting the peer', enabled: true })
    expect(run([{ type: 'startupFailed', error: 'x' }, { type: 'startupRetry' }]).view.kind).toBe('starting')
  })

  it('an election runs from election.started to election.leader (or a newer term), notified once per term', () => {
    const started = run([{ type: 'status', status: status() }, core({ type: 'election.started', payload: { term: 2, candidate: 'carol' } })])
    expect(started.view).toMatchObject({ kind: 'election', icon: 'attention', title: '!', status: 'Admin election running (term 2) · 3 peers' })
    expect(started.notifications).toEqual([{ title: 'Admin election running', body: expect.stringContaining('term 2'), target: { screen: 'elections' } }])
    expect(started.view.menu).toContainEqual({ kind: 'action', id: 'election', label: 'Show election…', enabled: true })
    const again = run([core({ type: 'election.started', payload: { term: 2, candidate: 'dave' } })], started.model)
    expect(again.notifications).toEqual([])
    expect(run([core({ type: 'election.leader', payload: { term: 2, admin: 'carol' } })], started.model).view.kind).toBe('connected')
    expect(run([{ type: 'status', status: status({ term: 3 }) }], started.model).view.kind).toBe('connected')
    const next = run([core({ type: 'election.leader', payload: { term: 2, admin: 'carol' } }), core({ type: 'election.started', payload: { term: 3, candidate: 'dave' } })], started.model)
    expect(next.notifications).toHaveLength(1)
  })

  it('a custody request waits until released, refused or expired; notified once, opening that request', () => {
    const waiting = run([{ type: 'status', status: status() }, custodyRequest('r1')])
    expect(waiting.view).toMatchObject({ kind: 'custody', icon: 'attention', status: 'Custody request waiting (term 4)' })
    expect(waiting.notifications).toEqual([{ title: 'Your key share is requested', body: expect.stringContaining('carol'), target: { screen: 'custody', id: 'r1' } }])
    expect(waiting.view.menu[1]).toEqual({ kind: 'action', id: 'custody', label: 'Review custody request…', enabled: true })
    expect(run([custodyRequest('r1')], waiting.model).notifications).toEqual([])
    expect(run([custodyRequest('r2')], waiting.model).view.status).toBe('2 custody requests waiting')
    expect(run([core({ type: 'custody.shareReleased', payload: { requestId: 'r1', custodian: 'alice', winner: 'carol', term: 4 } })], waiting.model).view.kind).toBe('connected')
    expect(run([custodyRequest('r1', 'approved')], waiting.model).view.kind).toBe('connected')
    expect(run([{ type: 'tick', now: NOW + 61_000 }], waiting.model).view.kind).toBe('connected')
    expect(run([custodyRequest('old', 'pending', NOW - 1)]).notifications).toEqual([])
  })

  it('paused: resume instead of pause; the checkbox follows launch at login', () => {
    const paused = run([{ type: 'status', status: status({ state: 'stopped' }) }, { type: 'paused', paused: true }, { type: 'launchAtLogin', enabled: true }])
    expect(paused.view).toMatchObject({ kind: 'paused', status: 'Paused: not connected to the network' })
    expect(paused.view.menu).toContainEqual({ kind: 'action', id: 'resume', label: 'Resume peer', enabled: true })
    expect(paused.view.menu).toContainEqual({ kind: 'checkbox', id: 'launchAtLogin', label: 'Launch at login', checked: true })
  })

  it('the menu: status line, open, pause/resume, launch at login, quit', () => {
    const { view } = run([{ type: 'status', status: status() }])
    expect(view.menu).toEqual([
      { kind: 'status', label: 'Connected to 3 peers' },
      { kind: 'separator' },
      { kind: 'action', id: 'open', label: 'Open BZZZ', enabled: true },
      { kind: 'action', id: 'pause', label: 'Pause peer', enabled: true },
      { kind: 'separator' },
      { kind: 'checkbox', id: 'launchAtLogin', label: 'Launch at login', checked: false },
      { kind: 'separator' },
      { kind: 'action', id: 'quit', label: 'Quit BZZZ', enabled: true },
    ])
    // Nothing to pause before onboarding.
    const setup = run([{ type: 'status', status: status({ state: 'stopped', vault: 'absent', member: undefined }) }]).view
    expect(setup.menu).toContainEqual({ kind: 'action', id: 'pause', label: 'Pause peer', enabled: false })
  })
})
