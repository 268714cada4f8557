// The Transport in React context, and calls that throw a typed error so react-query can hold it.
import { createContext, useContext, useSyncExternalStore, type ReactNode } from 'react'
import type { CallInput, CallName, CallOutput } from '../../src-shared/contract/calls.ts'
import type { ErrorCode } from '../../src-shared/errors.ts'
import type { ConnectionInfo, Transport } from '../transport/transport.ts'

export class CallError extends Error {
  readonly code: ErrorCode
  readonly call: CallName
  readonly retryAfter: number | undefined

  constructor(call: CallName, code: ErrorCode, message: string, retryAfter?: number) {
    super(message)
    this.name = 'CallError'
    this.call = call
    this.code = code
    this.retryAfter = retryAfter
  }
}

export async function callOrThrow<N extends CallName>(transport: Transport, name: N, args: CallInput<N>): Promise<CallOutput<N>> {
  const r = await transport.call(name, args)
  if (r.ok) return r.data
  throw new CallError(name, r.error.code, r.error.message, r.error.retryAfter)
}

/** A message for any thrown value; CallError messages come from the peer and already say what to do. */
export function errorMessage(err: unknown): string {
  if (err instanceof CallError) return err.message
  if (err instanceof Error) return err.message
  return 'something went wrong'
}

const TransportContext = createContext<Transport | undefined>(undefined)

export function TransportProvider({ transport, children }: { transport: Transport; children: ReactNode }) {
  return <TransportContext.Provider value={transport}>{children}</TransportContext.Provider>
}

export function useTransport(): Transport {
  const t = useContext(TransportContext)
  if (t === undefined) throw new Error('useTransport outside TransportProvider')
  return t
}

/** The connection as React state (re-renders on every change). */
export function useConnection(): ConnectionInfo {
  const t = useTransport()
  return useSyncExternalStore(
    (cb) => t.onConnection(cb),
    () => t.connection(),
  )
}
