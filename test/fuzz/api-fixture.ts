// The handler table and rate limiter the HTTP and WebSocket fuzz tests serve: every call reaches its real handler,
// except the few that would end the fixture's network (lock, rotate, elect, create, join), which answer 'conflict'.
import { CALL_NAMES, type CallName } from '../../src-shared/contract/calls.ts'
import { BzzzError } from '../../src-shared/errors.ts'
import { RateLimiter } from '../../src-main/api/rate-limit.ts'
import { handlers as coreHandlers } from '../../src-main/core/handlers/index.ts'
import type { HandlerTable } from '../../src-main/core/handlers/types.ts'

export const STUBBED: CallName[] = ['vault.lock', 'vault.unlock', 'keys.rotate', 'election.trigger', 'network.create', 'network.join']

export function fuzzHandlers(): HandlerTable {
  return Object.fromEntries(
    CALL_NAMES.map((name) => [
      name,
      async (args: never, ctx: never) => {
        if (STUBBED.includes(name)) throw new BzzzError('conflict', `fuzz: ${name} is not run by this test`)
        return (coreHandlers[name] as (a: never, c: never) => Promise<unknown>)(args, ctx)
      },
    ]),
  ) as HandlerTable
}

/** No rate limits: the fuzzers send thousands of requests. */
export const unlimitedRates = () => new RateLimiter({ decisions: 1e9, crypto: 1e9, admin: 1e9, general: 1e9 })
