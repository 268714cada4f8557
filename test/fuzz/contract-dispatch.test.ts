// Fuzzing the contract's input schemas through dispatch (src-main/api/dispatch.ts), the one path of every transport
// into the core: every call, near-valid and garbage inputs, unknown call names. Dispatch always resolves to a Result;
// a bad input gets invalid_input naming the call and the field; a valid one reaches the handler as the schema's output.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { CALL_NAMES, calls, requiredAccess } from '../../src-shared/contract/calls.ts'
import { DESKTOP_CALL_NAMES, desktopCalls, type DesktopCallName } from '../../src-shared/contract/desktop.ts'
import { BzzzError } from '../../src-shared/errors.ts'
import { may, PERMISSION_MATRIX, ROLES, type Role } from '../../src-shared/roles.ts'
import { describeIssues, dispatch } from '../../src-main/api/dispatch.ts'
import type { CallContext, HandlerTable } from '../../src-main/core/handlers/types.ts'
import type { Peer } from '../../src-main/core/peer.ts'
import { dispatchDesktop, type DesktopHandlers } from '../../src-main/electron/ipc.ts'
import { CALL_EXAMPLES, DESKTOP_EXAMPLES, inputFor } from './contract-examples.ts'
import { expectErrorBody, expectNoPrototypePollution, fuzz, hugeString, mutatedString, weirdString, within } from './fuzz.ts'

/** Handlers that hand back what they were given, so the test sees exactly what dispatch passed on. */
const received: { name?: string; args?: unknown } = {}
const echo: HandlerTable = Object.fromEntries(
  CALL_NAMES.map((name) => [
    name,
    async (args: unknown) => {
      received.name = name
      received.args = args
      return { echoed: true }
    },
  ]),
) as HandlerTable

function ctxAs(role: Role | undefined): CallContext {
  const peer = {
    get session() {
      if (role === undefined) throw new BzzzError('not_found', 'this peer has no identity yet; create or join a network')
      return { role }
    },
  }
  return { peer: peer as unknown as Peer, transport: 'ipc' }
}

const callName = fc.constantFrom(...CALL_NAMES)

describe('fuzz: contract input schemas through dispatch', () => {
  it('has a valid example input for every call (the seeds of the mutations)', () => {
    expect(Object.keys(CALL_EXAMPLES).sort()).toEqual([...CALL_NAMES].sort())
    for (const name of CALL_NAMES) expect(calls[name].input.safeParse(CALL_EXAMPLES[name]).success, name).toBe(true)
    expect(Object.keys(DESKTOP_EXAMPLES).sort()).toEqual([...DESKTOP_CALL_NAMES].sort())
    for (const name of DESKTOP_CALL_NAMES) expect(desktopCalls[name].input.safeParse(DESKTOP_EXAMPLES[name]).success, name).toBe(true)
  })

  it('always resolves to a Result: invalid_input naming the call and field, forbidden by the matrix, or the handler with the parsed input', async () => {
    const seen = { handled: 0, invalid: 0 }
    const arb = callName.chain((name) => fc.tuple(fc.constant(name), inputFor(CALL_EXAMPLES[name]), fc.option(fc.constantFrom(...ROLES), { nil: undefined })))
    await fc.assert(
      fc.asyncProperty(arb, async ([name, input, role]) => {
        delete received.name
        const result = await within(2000, `dispatch ${name}`, dispatch(name, input, ctxAs(role), { handlers: echo }))
        expectNoPrototypePollution()
        const parsed = calls[name].input.safeParse(input ?? {})
        if (!parsed.success) {
          seen.invalid++
          expect(result.ok).toBe(false)
          if (result.ok) return
          expectErrorBody(result.error, name)
          expect(result.error.code).toBe('invalid_input')
          expect(result.error.message.startsWith(`${name}: `)).toBe(true)
          // The first bad field is named (by its top-level key at least).
          const path = parsed.error.issues[0]!.path
          if (path.length > 0) expect(result.error.message).toContain(String(path[0]).slice(0, 40))
          expect(received.name).toBeUndefined()
          return
        }
        const access = requiredAccess(name, parsed.data as never)
        if (access !== 'open' && role === undefined) {
          expect(result).toMatchObject({ ok: false, error: { code: 'not_found' } })
          return
        }
        if (access !== 'open' && access !== 'member' && role !== undefined && !may(role, access).allowed && PERMISSION_MATRIX[access][role] !== 'partial') {
          expect(result).toMatchObject({ ok: false, error: { code: 'forbidden' } })
          return
        }
        seen.handled++
        expect(result).toEqual({ ok: true, data: { echoed: true } })
        expect(received).toEqual({ name, args: parsed.data })
      }),
      fuzz('dispatch inputs', 1500),
    )
    expect(seen.handled).toBeGreaterThan(50)
    expect(seen.invalid).toBeGreaterThan(500)
  })

  it('answers a call name that is not in the contract with not_found, whatever it looks like', async () => {
    const names = fc.oneof(
      mutatedString(callName),
      weirdString,
      fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'desktop.settings.get', 'node.status ', 'NODE.STATUS'),
      hugeString(5000),
    )
    await fc.assert(
      fc.asyncProperty(names, inputFor({}), async (name, input) => {
        fc.pre(!(CALL_NAMES as readonly string[]).includes(name))
        const result = await within(2000, 'dispatch unknown', dispatch(name, input, ctxAs('admin'), { handlers: echo }))
        expect(result.ok).toBe(false)
        if (result.ok) return
        expectErrorBody(result.error, name.slice(0, 40), 200)
        expect(result.error.code).toBe('not_found')
        expect(result.error.message).toMatch(/^unknown call '/)
      }),
      fuzz('dispatch unknown names', 300),
    )
  })

  it('keeps every validation message short and one line per field, whatever the input echoes', () => {
    // Unknown keys and bad values appear in zod's messages; a hostile key of any size must not become a huge error.
    const big = fc.tuple(callName, hugeString(50_000), fc.constantFrom('key', 'value')).map(([name, huge, where]) => {
      const input: Record<string, unknown> = { ...CALL_EXAMPLES[name] }
      if (where === 'key') input[huge] = 1
      else for (const k of Object.keys(input)) input[k] = huge
      return [name, input] as const
    })
    fc.assert(
      fc.property(big, ([name, input]) => {
        const parsed = calls[name].input.safeParse(input)
        if (parsed.success) return
        const message = describeIssues(parsed.error)
        expect(message.length, `${name}: ${message.slice(0, 200)}`).toBeLessThanOrEqual(2000)
      }),
      fuzz('dispatch message size', 200),
    )
  })

  it('regression: an unknown key of 50 000 characters is named briefly, not echoed whole', async () => {
    const result = await dispatch('node.status', { ['k'.repeat(50_000)]: 1 }, ctxAs(undefined))
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_input' } })
    if (!result.ok) {
      expect(result.error.message.length).toBeLessThanOrEqual(2000)
      expect(result.error.message).toMatch(/^node\.status: .*kkkk/)
    }
  })
})

describe('fuzz: desktop call schemas (dispatchDesktop)', () => {
  const desktop: DesktopHandlers = {
    'desktop.settings.get': async () => ({ launchAtLogin: false, theme: 'system', rememberUnlock: false, rememberUnlockAvailable: true }),
    'desktop.settings.set': async (args) => ({ launchAtLogin: false, theme: 'system', rememberUnlock: false, rememberUnlockAvailable: true, ...args }),
  }

  it('validates every desktop call and returns a Result', async () => {
    const arb = fc.constantFrom(...DESKTOP_CALL_NAMES).chain((name) => fc.tuple(fc.constant(name as DesktopCallName), inputFor(DESKTOP_EXAMPLES[name])))
    await fc.assert(
      fc.asyncProperty(arb, async ([name, input]) => {
        const result = await within(2000, name, dispatchDesktop(name, input, desktop))
        const parsed = desktopCalls[name].input.safeParse(input ?? {})
        if (parsed.success) expect(result.ok).toBe(true)
        else {
          expect(result.ok).toBe(false)
          if (!result.ok) {
            expectErrorBody(result.error, name)
            expect(result.error.code).toBe('invalid_input')
            expect(result.error.message.startsWith(`${name}: `)).toBe(true)
          }
        }
        expectNoPrototypePollution()
      }),
      fuzz('desktop dispatch', 200),
    )
  })
})

