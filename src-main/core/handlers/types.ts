// The typed handler table: one function per contract call, all in the core. Transports never hold logic.
import type { CallArgs, CallName, CallOutput } from '../../../src-shared/contract/calls.ts'
import type { Peer } from '../peer.ts'

export interface CallContext {
  peer: Peer
  /** Which transport the call came through, for logs and the audit trail. */
  transport: 'ipc' | 'http' | 'ws' | 'mcp' | 'cli' | 'graphql'
}

export type Handler<N extends CallName> = (args: CallArgs<N>, ctx: CallContext) => Promise<CallOutput<N>>

export type HandlerTable = { [N in CallName]?: Handler<N> }
