// Fuzzing invite codes (src-main/core/membership/invite.ts): createInvite/decodeInvite round-trip, and a damaged,
// forged, expired or garbage code is refused with invalid_input and a message about the invite, never another error.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { BzzzError } from '../../src-shared/errors.ts'
import { canonicalJson, fromBase64Url, toBase64, toBase64Url, utf8 } from '../../src-main/core/crypto/encoding.ts'
import { decodeEnvelope } from '../../src-main/core/crypto/envelope.ts'
import { signingKeyFromSeed } from '../../src-main/core/crypto/signing.ts'
import { createInvite, decodeInvite, INVITE_PREFIX, type InvitePayload } from '../../src-main/core/membership/invite.ts'
import { expectNoPrototypePollution, expectTypedError, fuzz, hugeString, mutatedObject, mutatedString, protoObject, timed, weirdString } from './fuzz.ts'

// A fixed key, so a seed and path replay the same code.
const admin = signingKeyFromSeed(new Uint8Array(32).fill(9))
const adminKey = toBase64(admin.publicKey)
const NOW = Date.UTC(2030, 0, 1)

const inviteOpts = fc.record({
  role: fc.constantFrom('observer' as const, 'backend_dev' as const, 'architect' as const),
  network: fc.record({ id: fc.stringMatching(/^n[0-9a-f]{1,40}$/), name: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }) }),
  bootstrap: fc.array(fc.string({ maxLength: 80 }), { minLength: 1, maxLength: 20 }),
  ttlSeconds: fc.integer({ min: 60, max: 30 * 24 * 3600 }),
})

function make(o: { role: InvitePayload['role']; network: { id: string; name: string }; bootstrap: string[]; ttlSeconds: number }): { code: string; payload: InvitePayload } {
  return createInvite({ ...o, adminSigning: admin, adminSigningKey: adminKey, now: NOW })
}

const validCode = fc.constant(make({ role: 'architect', network: { id: 'nabc123', name: 'acme' }, bootstrap: ['/ip4/127.0.0.1/tcp/4001/p2p/12D3KooWFuzz'], ttlSeconds: 3600 }))

/** decodeInvite's verdict; a refusal must be invalid_input with a message about the invite. */
function judge(code: string, now = NOW): { ok: true; payload: InvitePayload } | { ok: false; message: string } {
  try {
    return { ok: true, payload: timed(1000, 'decodeInvite', () => decodeInvite(code, now)).payload }
  } catch (err) {
    expectTypedError(err, 'decodeInvite')
    expect(err.code).toBe('invalid_input')
    expect(err.message, err.message).toMatch(/invite/)
    expect(err.message.length).toBeLessThanOrEqual(300)
    return { ok: false, message: err.message }
  }
}

/** Re-encodes an invite envelope after editing it (its signature no longer matches unless the edit was a no-op). */
function reencode(env: unknown): string | undefined {
  try {
    return INVITE_PREFIX + toBase64Url(utf8.encode(JSON.stringify(env)))
  } catch {
    return undefined
  }
}

describe('fuzz: invite codes', () => {
  it('round-trips: decodeInvite(createInvite(x)) gives back the payload, whitespace around the code or not', () => {
    fc.assert(
      fc.property(inviteOpts, fc.constantFrom('', ' ', '\n', '\t '), (o, space) => {
        const { code, payload } = make(o)
        const r = judge(`${space}${code}${space}`)
        expect(r).toEqual({ ok: true, payload })
        expect(payload.bootstrap.length).toBeLessThanOrEqual(16)
      }),
      fuzz('invite round trip', 100),
    )
  })

  it('refuses a code with characters changed, inserted, dropped or cut off, or decodes to the same invite', () => {
    fc.assert(
      fc.property(validCode, mutatedString(validCode.map((c) => c.code)), (valid, code) => {
        const r = judge(code)
        if (r.ok) expect(canonicalJson(r.payload)).toBe(canonicalJson(valid.payload))
      }),
      fuzz('invite char edits', 400),
    )
  })

  it('refuses forged invites: any field of the signed envelope or its payload edited', () => {
    const valid = make({ role: 'observer', network: { id: 'nabc123', name: 'acme' }, bootstrap: ['/ip4/10.0.0.1/tcp/4001'], ttlSeconds: 3600 })
    const env = decodeEnvelope(fromBase64Url(valid.code.slice(INVITE_PREFIX.length)))
    const payloadKeys = Object.keys(valid.payload)
    const envKeys = Object.keys(env)
    const edited = fc.oneof(
      mutatedObject(fc.constant(valid.payload as unknown as Record<string, unknown>), payloadKeys).map((p) => ({ ...env, payload: p })),
      mutatedObject(fc.constant(env as unknown as Record<string, unknown>), envKeys),
    )
    fc.assert(
      fc.property(edited, (e) => {
        const code = reencode(e)
        if (code === undefined) return
        const r = judge(code)
        expectNoPrototypePollution()
        if (r.ok) expect(canonicalJson(r.payload)).toBe(canonicalJson(valid.payload))
      }),
      fuzz('invite forged fields', 400),
    )
  })

  it('refuses garbage: random text, other prefixes, huge codes, random bytes after the prefix', () => {
    const garbage = fc.oneof(
      weirdString,
      weirdString.map((s) => INVITE_PREFIX + s),
      fc.uint8Array({ maxLength: 300 }).map((b) => INVITE_PREFIX + toBase64Url(b)),
      fc.jsonValue({ maxDepth: 3 }).map((v) => INVITE_PREFIX + toBase64Url(utf8.encode(JSON.stringify(v) ?? 'null'))),
      hugeString(20_000).map((s) => INVITE_PREFIX + s),
      fc.constant(INVITE_PREFIX + toBase64Url(utf8.encode(JSON.stringify(protoObject())))),
    )
    fc.assert(
      fc.property(garbage, (code) => {
        expect(judge(code).ok).toBe(false)
        expectNoPrototypePollution()
      }),
      fuzz('invite garbage', 400),
    )
  })

  it('refuses an expired invite saying so, at any time after its expiry', () => {
    fc.assert(
      fc.property(inviteOpts, fc.integer({ min: 1, max: 10 * 365 * 24 * 3600 * 1000 }), (o, after) => {
        const { code, payload } = make(o)
        const r = judge(code, payload.expiresAt + after)
        expect(r.ok).toBe(false)
        if (!r.ok) expect(r.message).toMatch(/expired/)
      }),
      fuzz('invite expired', 50),
    )
  })

  it('regression: an admin key that is not base64 names the invite, not "value is not valid base64"', () => {
    const valid = make({ role: 'observer', network: { id: 'nabc123', name: 'acme' }, bootstrap: ['/ip4/10.0.0.1/tcp/4001'], ttlSeconds: 3600 })
    const env = decodeEnvelope(fromBase64Url(valid.code.slice(INVITE_PREFIX.length)))
    const code = reencode({ ...env, payload: { ...valid.payload, adminSigningKey: 'not*base64' } })!
    let caught: unknown
    try {
      decodeInvite(code, NOW)
    } catch (err) {
      caught = err
    }
    expect(caught).toBeInstanceOf(BzzzError)
    expect((caught as BzzzError).code).toBe('invalid_input')
    expect((caught as BzzzError).message).toMatch(/invite code is forged or damaged/)
  })
})
