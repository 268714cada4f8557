// The shape of window.bzzz in Electron and of every renderer Transport: a typed call and an event subscription.
import type { Result } from '../errors.ts'
import type { CallInput, CallName, CallOutput } from './calls.ts'
import type { EventMessage } from './events.ts'

export interface BzzzBridge {
  call<N extends CallName>(name: N, args: CallInput<N>): Promise<Result<CallOutput<N>>>
  /** Subscribes to every event the peer lets this member see; returns the unsubscribe function. */
  on(listener: (message: EventMessage) => void): () => void
}

export const IPC_CHANNELS = { call: 'bzzz:call', event: 'bzzz:event' } as const
