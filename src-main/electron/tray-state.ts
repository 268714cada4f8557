// The tray as a plain state machine (no Electron): events in, a model out; `trayView` turns the model into what the
// tray shows (tooltip, title, icon variant, menu model) and `reduceTray` also says which native notifications to raise.
// The Electron adapter (tray.ts) only renders the view and forwards menu clicks.
import type { NavigateTarget } from '../../src-shared/contract/desktop.ts'
import type { EventMessage } from '../../src-shared/contract/events.ts'
import type { NodeStatus } from '../../src-shared/network.ts'

export interface PendingCustody {
  id: string
  winner: string
  term: number
  expiresAt: number
}

export interface TrayModel {
  status: NodeStatus | undefined
  /** The peer could not be opened at all (lock held, bad config): the tray shows it and offers a retry. */
  startupError: string | undefined
  paused: boolean
  launchAtLogin: boolean
  /** The term of an election in progress, from `election.started` until `election.leader`. */
  electionTerm: number | undefined
  custody: PendingCustody[]
  /** The highest election term already notified (one notification per election). */
  notifiedTerm: number
}

export type TrayEvent =
  | { type: 'status'; status: NodeStatus }
  | { type: 'startupFailed'; error: string }
  | { type: 'startupRetry' }
  | { type: 'paused'; paused: boolean }
  | { type: 'launchAtLogin'; enabled: boolean }
  | { type: 'core'; message: EventMessage }
  | { type: 'tick'; now: number }

export interface TrayNotification {
  title: string
  body: string
  /** The screen a click opens. */
  target: NavigateTarget
}

export type TrayKind = 'starting' | 'setup' | 'offline' | 'connected' | 'admin' | 'election' | 'custody' | 'paused' | 'error'
export type TrayIcon = 'idle' | 'active' | 'attention' | 'error'
export type MenuAction = 'open' | 'custody' | 'election' | 'pause' | 'resume' | 'retry' | 'quit'

export type MenuItemModel =
  | { kind: 'status'; label: string }
  | { kind: 'action'; id: MenuAction; label: string; enabled: boolean }
  | { kind: 'checkbox'; id: 'launchAtLogin'; label: string; checked: boolean }
  | { kind: 'separator' }

export interface TrayView {
  kind: TrayKind
  /** The status line: the menu's first item, and the tooltip after "BZZZ — ". */
  status: string
  tooltip: string
  /** Text beside the icon where the platform shows one (macOS menu bar): the peer count, or '!' when waiting. */
  title: string
  icon: TrayIcon
  menu: MenuItemModel[]
}

export function initialTray(opts: { launchAtLogin: boolean }): TrayModel {
  return { status: undefined, startupError: undefined, paused: false, launchAtLogin: opts.launchAtLogin, electionTerm: undefined, custody: [], notifiedTerm: 0 }
}

export function reduceTray(model: TrayModel, event: TrayEvent): { model: TrayModel; notifications: TrayNotification[] } {
  switch (event.type) {
    case 'status': {
      const s = event.status
      // A newer term than the election we saw start means it is over (we may have missed election.leader).
      const electionTerm = model.electionTerm !== undefined && s.term > model.electionTerm ? undefined : model.electionTerm
      return same({ ...model, status: s, electionTerm })
    }
    case 'startupFailed':
      return same({ ...model, startupError: event.error })
    case 'startupRetry':
      return same({ ...model, startupError: undefined })
    case 'paused':
      return same({ ...model, paused: event.paused })
    case 'launchAtLogin':
      return same({ ...model, launchAtLogin: event.enabled })
    case 'tick':
      return same({ ...model, custody: model.custody.filter((c) => c.expiresAt > event.now) })
    case 'core':
      return onCoreEvent(model, event.message)
  }
}

function same(model: TrayModel): { model: TrayModel; notifications: TrayNotification[] } {
  return { model, notifications: [] }
}

function onCoreEvent(model: TrayModel, message: EventMessage): { model: TrayModel; notifications: TrayNotification[] } {
  switch (message.type) {
    case 'election.started': {
      const { term, candidate } = message.payload
      if (model.electionTerm !== undefined && term <= model.electionTerm) return same(model)
      const next = { ...model, electionTerm: term }
      if (term <= model.notifiedTerm) return same(next)
      return {
        model: { ...next, notifiedTerm: term },
        notifications: [{ title: 'Admin election running', body: `The peers are electing an admin (term ${term}, candidate ${candidate}).`, target: { screen: 'elections' } }],
      }
    }
    case 'election.leader':
      return same(model.electionTerm !== undefined && message.payload.term >= model.electionTerm ? { ...model, electionTerm: undefined } : model)
    case 'custody.request': {
      const r = message.payload
      const others = model.custody.filter((c) => c.id !== r.id)
      if (r.state !== 'pending' || r.expiresAt <= message.at) return same({ ...model, custody: others })
      const known = others.length !== model.custody.length
      const custody = [...others, { id: r.id, winner: r.winner, term: r.term, expiresAt: r.expiresAt }]
      if (known) return same({ ...model, custody })
      return {
        model: { ...model, custody },
        notifications: [
          { title: 'Your key share is requested', body: `${r.winner} won the election for term ${r.term} and asks for your custody share. Review the request.`, target: { screen: 'custody', id: r.id } },
        ],
      }
    }
    case 'custody.shareReleased':
      return same({ ...model, custody: model.custody.filter((c) => c.id !== message.payload.requestId) })
    default:
      return same(model)
  }
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`
}

/** The state shown, by priority: an error first, then what waits for the user, then the peer's state. */
export function trayKind(model: TrayModel): TrayKind {
  const s = model.status
  if (model.startupError !== undefined || s?.state === 'error') return 'error'
  if (model.custody.length > 0) return 'custody'
  if (model.electionTerm !== undefined) return 'election'
  if (model.paused) return 'paused'
  if (s === undefined || s.state === 'starting') return 'starting'
  if (s.vault === 'absent') return 'setup'
  if (s.state !== 'running') return 'offline'
  return s.member !== undefined && s.admin === s.member.id ? 'admin' : 'connected'
}

function statusLine(kind: TrayKind, model: TrayModel): string {
  const s = model.status
  const peers = plural(s?.connectedPeers ?? 0, 'peer', 'peers')
  const locked = s?.vault === 'locked' ? ' · vault locked' : ''
  switch (kind) {
    case 'error':
      return `Error: ${model.startupError ?? s?.lastError ?? 'the peer stopped'}`
    case 'custody':
      return model.custody.length === 1 ? `Custody request waiting (term ${model.custody[0]?.term ?? 0})` : `${model.custody.length} custody requests waiting`
    case 'election':
      return `Admin election running (term ${model.electionTerm ?? 0}) · ${peers}`
    case 'paused':
      return 'Paused: not connected to the network'
    case 'starting':
      return 'Starting…'
    case 'setup':
      return 'Not in a network yet: open BZZZ to create or join one'
    case 'offline':
      return s?.state === 'stopping' ? 'Stopping…' : `Not connected${locked}`
    case 'admin':
      return `Admin · connected to ${peers}${locked}`
    case 'connected':
      return `Connected to ${peers}${locked}`
  }
}

const ICONS: Record<TrayKind, TrayIcon> = {
  error: 'error',
  custody: 'attention',
  election: 'attention',
  paused: 'idle',
  starting: 'idle',
  setup: 'idle',
  offline: 'idle',
  admin: 'active',
  connected: 'active',
}

export function trayView(model: TrayModel): TrayView {
  const kind = trayKind(model)
  const status = statusLine(kind, model)
  const running = model.status?.state === 'running' || model.status?.state === 'starting'
  const inNetwork = model.status !== undefined && model.status.vault !== 'absent'
  const menu: MenuItemModel[] = [{ kind: 'status', label: status }]
  if (model.custody.length > 0) menu.push({ kind: 'action', id: 'custody', label: 'Review custody request…', enabled: true })
  if (model.electionTerm !== undefined) menu.push({ kind: 'action', id: 'election', label: 'Show election…', enabled: true })
  menu.push({ kind: 'separator' }, { kind: 'action', id: 'open', label: 'Open BZZZ', enabled: true })
  if (model.startupError !== undefined) menu.push({ kind: 'action', id: 'retry', label: 'Retry starting the peer', enabled: true })
  else if (model.paused || model.status?.state === 'error') menu.push({ kind: 'action', id: 'resume', label: 'Resume peer', enabled: inNetwork })
  else menu.push({ kind: 'action', id: 'pause', label: 'Pause peer', enabled: running && inNetwork })
  menu.push(
    { kind: 'separator' },
    { kind: 'checkbox', id: 'launchAtLogin', label: 'Launch at login', checked: model.launchAtLogin },
    { kind: 'separator' },
    { kind: 'action', id: 'quit', label: 'Quit BZZZ', enabled: true },
  )
  const title = kind === 'custody' || kind === 'election' ? '!' : kind === 'connected' || kind === 'admin' ? String(model.status?.connectedPeers ?? 0) : ''
  return { kind, status, tooltip: `BZZZ — ${status}`, title, icon: ICONS[kind], menu }
}
