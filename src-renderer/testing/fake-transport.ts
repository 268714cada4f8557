// A Transport for component tests: answers calls from a table of handlers and lets the test push events.
import type { CallInput, CallName, CallOutput } from '../../src-shared/contract/calls.ts'
import type { EventMessage } from '../../src-shared/contract/events.ts'
import type { Result } from '../../src-shared/errors.ts'
import { NOT_DESKTOP, type ConnectionInfo, type Transport } from '../transport/transport.ts'

export type Handlers = { [N in CallName]?: (args: CallInput<N>) => CallOutput<N> | Promise<CallOutput<N>> | Result<CallOutput<N>> }

export interface FakeTransport extends Transport {
  calls: { name: CallName; args: unknown }[]
  emit(message: EventMessage): void
  setConnection(info: ConnectionInfo): void
}

function isResult(v: unknown): v is Result<unknown> {
  return typeof v === 'object' && v !== null && 'ok' in v && typeof (v as { ok: unknown }).ok === 'boolean'
}

export function fakeTransport(handlers: Handlers): FakeTransport {
  const listeners = new Set<(m: EventMessage) => void>()
  const connListeners = new Set<(c: ConnectionInfo) => void>()
  let info: ConnectionInfo = { state: 'open', attempt: 0 }
  const calls: { name: CallName; args: unknown }[] = []
  return {
    calls,
    async call(name, args) {
      calls.push({ name, args })
      const h = handlers[name] as ((a: unknown) => unknown) | undefined
      if (h === undefined) return { ok: false, error: { code: 'not_found', message: `no fake for ${name}` } }
      try {
        const out = await h(args)
        return (isResult(out) ? out : { ok: true, data: out }) as never
      } catch (err) {
        return { ok: false, error: { code: 'internal', message: err instanceof Error ? err.message : String(err) } }
      }
    },
    callDesktop: () => Promise.resolve(NOT_DESKTOP),
    onNavigate: () => () => undefined,
    on(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    emit(message) {
      for (const l of listeners) l(message)
    },
    connection: () => info,
    onConnection(listener) {
      connListeners.add(listener)
      return () => connListeners.delete(listener)
    },
    setConnection(next) {
      info = next
      for (const l of connListeners) l(info)
    },
    reconnectNow: () => undefined,
    close: () => undefined,
  }
}
