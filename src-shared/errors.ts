// The fixed set of error codes every transport speaks, and the one result shape every call returns.
import { z } from 'zod'

export const ERROR_CODES = [
  'invalid_input',
  'unauthenticated',
  'forbidden',
  'not_found',
  'conflict',
  'too_large',
  'rate_limited',
  'locked',
  'unavailable',
  'internal',
] as const

export type ErrorCode = (typeof ERROR_CODES)[number]

/** HTTP status for each code; the WebSocket, IPC and MCP adapters carry the code itself. */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  invalid_input: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  rate_limited: 429,
  // A locked vault is a temporary condition the caller can fix (unlock), so it is "unavailable".
  locked: 503,
  unavailable: 503,
  internal: 500,
}

export const errorSchema = z.object({
  code: z.enum(ERROR_CODES),
  message: z.string(),
  /** Seconds until a retry makes sense (rate limits). */
  retryAfter: z.number().int().nonnegative().optional(),
})

export type ErrorBody = z.infer<typeof errorSchema>

export type Result<T> = { ok: true; data: T } | { ok: false; error: ErrorBody }

/** An error that crosses a layer boundary with its code intact. Messages say what happened and what to do. */
export class BzzzError extends Error {
  readonly code: ErrorCode
  readonly retryAfter: number | undefined

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; retryAfter?: number }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'BzzzError'
    this.code = code
    this.retryAfter = options?.retryAfter
  }

  toBody(): ErrorBody {
    return this.retryAfter === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, retryAfter: this.retryAfter }
  }
}

export function ok<T>(data: T): Result<T> {
  return { ok: true, data }
}

export function fail(code: ErrorCode, message: string): Result<never> {
  return { ok: false, error: { code, message } }
}

/** Turns anything thrown into an error body; unknown errors never leak their stack or internals. */
export function toErrorBody(err: unknown): ErrorBody {
  if (err instanceof BzzzError) return err.toBody()
  return { code: 'internal', message: 'internal error; see the peer log for details' }
}

export function isBzzzError(err: unknown, code?: ErrorCode): err is BzzzError {
  return err instanceof BzzzError && (code === undefined || err.code === code)
}
