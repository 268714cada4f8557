// The one entry point every transport (IPC, HTTP, WebSocket, MCP, CLI, GraphQL) uses for a contract call:
// validate the input with the call's schema, check access against the permission matrix, run the core handler,
// and return `{ ok, data } | { ok: false, error }`. No transport has logic of its own.
import type { z } from 'zod'
import { calls, isCallName, requiredAccess, type CallName, type CallOutput } from '../../src-shared/contract/calls.ts'
import { BzzzError, toErrorBody, type Result } from '../../src-shared/errors.ts'
import { may, PERMISSION_MATRIX, type Operation, type Role } from '../../src-shared/roles.ts'
import { handlers as defaultHandlers } from '../core/handlers/index.ts'
import type { CallContext, Handler, HandlerTable } from '../core/handlers/types.ts'
import type { CallLimiter } from './rate-limit.ts'

/** Longest message and field path of one issue: zod quotes unknown keys whole, and a caller chooses their size. */
const MAX_ISSUE_CHARS = 400
const MAX_PATH_CHARS = 120

function shorten(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 3)}...` : text
}

/** Formats zod issues as one line naming each bad field. */
export function describeIssues(error: z.ZodError): string {
  // Each part is bounded (fuzzing found a 50 000-character unknown key echoed whole by 'Unrecognized key').
  return error.issues
    .slice(0, 5)
    .map((i) => {
      const message = shorten(i.message, MAX_ISSUE_CHARS)
      return i.path.length > 0 ? `${shorten(i.path.map(String).join('.'), MAX_PATH_CHARS)}: ${message}` : message
    })
    .join('; ')
}

export interface DispatchOptions {
  handlers?: HandlerTable
  /** Called with every failure that is not the caller's fault, for the log. */
  onInternalError?: (name: string, err: unknown) => void
  /**
   * Rate limiting for network-facing transports (HTTP, WebSocket, MCP, GraphQL): one call is taken from the call's
   * `rate` bucket for `key` (transport + remote address) before anything else; unknown calls draw from 'general'.
   * IPC and the local CLI pass none.
   */
  rateLimit?: { limiter: CallLimiter; key: string }
}

export async function dispatch(name: string, rawInput: unknown, ctx: CallContext, opts: DispatchOptions = {}): Promise<Result<unknown>> {
  try {
    return { ok: true, data: await dispatchOrThrow(name, rawInput, ctx, opts) }
  } catch (err) {
    if (!(err instanceof BzzzError)) opts.onInternalError?.(name, err)
    return { ok: false, error: toErrorBody(err) }
  }
}

export async function dispatchOrThrow<N extends CallName>(name: N | string, rawInput: unknown, ctx: CallContext, opts: DispatchOptions = {}): Promise<CallOutput<N>> {
  opts.rateLimit?.limiter.take(opts.rateLimit.key, isCallName(name) ? calls[name].rate : 'general')
  if (!isCallName(name)) throw new BzzzError('not_found', `unknown call '${String(name).slice(0, 60)}'`)
  const spec = calls[name]
  const parsed = spec.input.safeParse(rawInput ?? {})
  if (!parsed.success) throw new BzzzError('invalid_input', `${name}: ${describeIssues(parsed.error)}`)
  const args = parsed.data as never
  const access = requiredAccess(name, args)
  if (access !== 'open') {
    const session = ctx.peer.session // throws locked / not_found
    if (access !== 'member') {
      const answer = may(session.role, access)
      // 'partial' cells pass here and are decided by the handler, which has the context they need.
      if (!answer.allowed && !isPartial(session.role, access)) throw new BzzzError('forbidden', answer.reason)
    }
  }
  const handler = (opts.handlers ?? defaultHandlers)[name] as Handler<CallName> | undefined
  if (handler === undefined) throw new BzzzError('unavailable', `${name} is not available on this peer yet`)
  return (await handler(args, ctx)) as CallOutput<N>
}

function isPartial(role: Role, op: Operation): boolean {
  return PERMISSION_MATRIX[op][role] === 'partial'
}
