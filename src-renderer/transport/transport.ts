// The renderer's only way to reach the peer. Two implementations: Electron IPC (window.bzzz from the preload)
// and the peer's WebSocket for a plain browser. Components never know which one they use.
import type { BzzzBridge } from '../../src-shared/contract/bridge.ts'

export type Transport = BzzzBridge

declare global {
  interface Window {
    bzzz?: BzzzBridge
  }
}

/** The Electron transport, when running inside the desktop app. */
export function ipcTransport(): Transport | undefined {
  return window.bzzz
}
