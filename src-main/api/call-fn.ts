// A contract call as a function, the one thing the generated adapters (MCP, GraphQL) need: inside the peer it is
// dispatch() (rate limit, validation, access check, handler), outside it the typed HTTP client to a running peer
// (which dispatches on its side). Either way the call is checked as the local member, never by the adapter.
import type { IncomingMessage } from 'node:http'
import type { CallInput, CallName } from '../../src-shared/contract/calls.ts'
import { BzzzError } from '../../src-shared/errors.ts'
import type { CallContext, HandlerTable } from '../core/handlers/types.ts'
import type { Peer } from '../core/peer.ts'
import type { ApiClient } from './client.ts'
import { dispatchOrThrow } from './dispatch.ts'
import { clientKey, type CallLimiter } from './rate-limit.ts'

/** Makes one contract call as the local member; resolves with the output or throws (BzzzError for known failures). */
export type CallFn = (name: CallName, input: unknown) => Promise<unknown>

/** The CallFn for one HTTP request (rate limits are per transport and remote address). */
export type RequestCaller = (req: IncomingMessage) => CallFn

export interface DispatchCallerOptions {
  handlers?: HandlerTable
  /** Failures that are not the caller's fault, for the log (the caller sees only 'internal error'). */
  onInternalError?: (name: string, err: unknown) => void
  rateLimit?: { limiter: CallLimiter; key: string }
}

/** Calls into this process's peer through dispatch(). */
export function dispatchCaller(peer: Peer, transport: CallContext['transport'], opts: DispatchCallerOptions = {}): CallFn {
  const dispatchOpts = {
    ...(opts.handlers === undefined ? {} : { handlers: opts.handlers }),
    ...(opts.rateLimit === undefined ? {} : { rateLimit: opts.rateLimit }),
  }
  return async (name, input) => {
    try {
      return await dispatchOrThrow(name, input, { peer, transport }, dispatchOpts)
    } catch (err) {
      if (!(err instanceof BzzzError)) opts.onInternalError?.(name, err)
      throw err
    }
  }
}

export interface RequestCallerOptions {
  handlers?: HandlerTable
  /** Shared with the other transports of the server; calls are keyed by transport and remote address. */
  rateLimiter?: CallLimiter
  onInternalError?: (transport: string, name: string, err: unknown) => void
}

/** dispatch() for calls made through an HTTP request on `transport` (MCP, GraphQL). */
export function requestCaller(peer: Peer, transport: CallContext['transport'], opts: RequestCallerOptions = {}): RequestCaller {
  return (req) =>
    dispatchCaller(peer, transport, {
      ...(opts.handlers === undefined ? {} : { handlers: opts.handlers }),
      ...(opts.rateLimiter === undefined ? {} : { rateLimit: { limiter: opts.rateLimiter, key: clientKey(transport, req.socket.remoteAddress) } }),
      onInternalError: (name, err) => opts.onInternalError?.(transport, name, err),
    })
}

/** Calls a running peer through its HTTP API. */
export function clientCaller(client: ApiClient): CallFn {
  return (name, input) => client.call(name, input as CallInput<typeof name>)
}
