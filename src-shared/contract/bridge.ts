// The shape of window.bzzz in Electron and of every renderer Transport: a typed call and an event subscription.
import type { Result } from '../errors.ts'
import type { CallInput, CallName, CallOutput } from './calls.ts'
import type { DesktopCallInput, DesktopCallName, DesktopCallOutput, ShellMessage } from './desktop.ts'
import type { EventMessage } from './events.ts'

export type BridgeCallName = CallName | DesktopCallName
export type BridgeCallInput<N extends BridgeCallName> = N extends CallName ? CallInput<N> : N extends DesktopCallName ? DesktopCallInput<N> : never
export type BridgeCallOutput<N extends BridgeCallName> = N extends CallName ? CallOutput<N> : N extends DesktopCallName ? DesktopCallOutput<N> : never
export type BridgeMessage = EventMessage | ShellMessage

export interface BzzzBridge {
  call<N extends CallName>(name: N, args: CallInput<N>): Promise<Result<CallOutput<N>>>
  /** Subscribes to every event the peer lets this member see; returns the unsubscribe function. */
  on(listener: (message: EventMessage) => void): () => void
}

/**
 * What the Electron preload actually exposes as window.bzzz: the same two functions, where `call` also takes the
 * desktop app's own calls (desktop.ts) and `on` also delivers the shell's messages (navigation asked for by a tray
 * item or a notification). A renderer typed with BzzzBridge keeps working: it never makes a desktop call, and a
 * listener that switches on `type` ignores 'app.navigate'.
 */
export interface DesktopBridge {
  call<N extends BridgeCallName>(name: N, args: BridgeCallInput<N>): Promise<Result<BridgeCallOutput<N>>>
  on(listener: (message: BridgeMessage) => void): () => void
}

/**
 * Electron IPC: one invoke channel per call (`bzzz:call:<name>`, registered from the call tables; a name without a
 * handler is refused by Electron itself) and one channel for events and shell messages.
 */
export const IPC_CHANNELS = { call: 'bzzz:call', event: 'bzzz:event' } as const

export function callChannel(name: string): string {
  return `${IPC_CHANNELS.call}:${name}`
}
