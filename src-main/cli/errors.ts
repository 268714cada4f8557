// Every CLI failure is one line on stderr and a non-zero exit code that scripts can tell apart.
import { BzzzError, type ErrorCode } from '../../src-shared/errors.ts'

export const EXIT_CODES: Record<ErrorCode, number> = {
  internal: 1,
  invalid_input: 2,
  unauthenticated: 3,
  forbidden: 4,
  not_found: 5,
  conflict: 6,
  too_large: 7,
  rate_limited: 8,
  locked: 9,
  unavailable: 10,
}

export function reportAndExit(err: unknown): never {
  if (err instanceof BzzzError) {
    process.stderr.write(`bzzz: ${err.message}\n`)
    process.exit(EXIT_CODES[err.code])
  }
  const message = err instanceof Error ? err.message : String(err)
  process.stderr.write(`bzzz: unexpected error: ${message.split('\n')[0]}\n`)
  if (process.env.BZZZ_DEBUG) console.error(err)
  process.exit(1)
}
