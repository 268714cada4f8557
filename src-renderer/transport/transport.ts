// The renderer's only way to reach the peer. Two implementations: Electron IPC (window.bzzz from the preload) and the
// peer's WebSocket for a plain browser (ws-transport.ts). Components never know which one they use: they get a
// Transport from context and see its connection state only as "connected / reconnecting".
import type { BzzzBridge, DesktopBridge } from '../../src-shared/contract/bridge.ts'
import type { DesktopCallInput, DesktopCallName, DesktopCallOutput, NavigateTarget } from '../../src-shared/contract/desktop.ts'
import type { EventMessage } from '../../src-shared/contract/events.ts'
import type { Result } from '../../src-shared/errors.ts'

export type ConnectionState =
  /** First connection attempt in progress. */
  | 'connecting'
  /** Authenticated; calls and events flow. */
  | 'open'
  /** The connection dropped; retrying with backoff. */
  | 'reconnecting'
  /** The peer refused the token: retrying cannot help. */
  | 'unauthenticated'
  /** Closed by us (the page is going away). */
  | 'closed'

export interface ConnectionInfo {
  state: ConnectionState
  /** Reconnect attempts since the last good connection. */
  attempt: number
  /** When the next attempt happens (epoch ms), while reconnecting. */
  nextRetryAt?: number
  /** Why the last connection ended or failed, in words. */
  lastError?: string
}

export interface Transport extends BzzzBridge {
  /**
   * The desktop app's own calls (launch at login, remembered unlock...). Elsewhere they answer 'unavailable', so a
   * screen offers those settings exactly where they exist, without knowing which transport it has.
   */
  callDesktop<N extends DesktopCallName>(name: N, args: DesktopCallInput<N>): Promise<Result<DesktopCallOutput<N>>>
  /** The shell asks for a screen (a tray item or a notification was clicked); never happens in a browser. */
  onNavigate(listener: (target: NavigateTarget) => void): () => void
  connection(): ConnectionInfo
  /** Called on every connection change; returns the unsubscribe function. */
  onConnection(listener: (info: ConnectionInfo) => void): () => void
  /** Skip the backoff wait and try now (no-op where the connection cannot drop). */
  reconnectNow(): void
  close(): void
}

declare global {
  interface Window {
    /** The preload's bridge: `call` and `on`, nothing else (DesktopBridge is BzzzBridge plus the shell's extras). */
    bzzz?: DesktopBridge
  }
}

const OPEN: ConnectionInfo = { state: 'open', attempt: 0 }

export const NOT_DESKTOP: Result<never> = { ok: false, error: { code: 'unavailable', message: 'only the desktop app has this setting' } }

/** Wraps a bridge that is always connected (Electron IPC: the main process lives as long as the window). */
export function bridgeTransport(bridge: DesktopBridge): Transport {
  return {
    // The conditional types of DesktopBridge do not narrow through a generic parameter; the names are the same.
    call: (name, args) => bridge.call(name, args as never) as never,
    callDesktop: (name, args) => bridge.call(name, args as never) as never,
    // Shell messages go to onNavigate; everything else is a peer event.
    on: (listener) =>
      bridge.on((message) => {
        if (message.type !== 'app.navigate') listener(message as EventMessage)
      }),
    onNavigate: (listener) =>
      bridge.on((message) => {
        if (message.type === 'app.navigate') listener(message.payload)
      }),
    connection: () => OPEN,
    onConnection: () => () => undefined,
    reconnectNow: () => undefined,
    close: () => undefined,
  }
}

/** The Electron transport, when running inside the desktop app. */
export function ipcTransport(): Transport | undefined {
  return typeof window !== 'undefined' && window.bzzz !== undefined ? bridgeTransport(window.bzzz) : undefined
}
