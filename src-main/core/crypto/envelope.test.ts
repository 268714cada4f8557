import { describe, expect, it } from 'vitest'
import { canonicalJson, utf8 } from './encoding.ts'
import { decodeEnvelope, encodeEnvelope, RecordError, signEnvelope, verifyEnvelope, type Envelope } from './envelope.ts'
import { generateSigningKey } from './signing.ts'

const alice = generateSigningKey()
const mallory = generateSigningKey()
const keys = new Map([['alice', alice]])
const opts = {
  net: 'net1',
  resolveKey: (author: string, keyId: string) => {
    const k = keys.get(author)
    return k && k.keyId === keyId ? k.publicKey : undefined
  },
}

function reason(fn: () => unknown): string {
  try {
    fn()
  } catch (err) {
    if (err instanceof RecordError) return err.reason
    throw err
  }
  return 'accepted'
}

describe('signed envelopes', () => {
  const env = signEnvelope({ kind: 'vote', net: 'net1', author: 'alice', seq: 7, payload: { term: 3, for: 'bob' }, ttlMs: 60_000 }, alice)

  it('round-trips through canonical bytes and verifies', () => {
    const decoded = decodeEnvelope(encodeEnvelope(env))
    expect(verifyEnvelope(decoded, opts).payload).toEqual({ term: 3, for: 'bob' })
  })

  it('encodes canonically: key order does not change the bytes', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: 'x' }] })).toBe('{"a":[{"c":"x","d":2}],"b":1}')
    const { sig, payload, ...rest } = env
    const shuffled = JSON.parse(JSON.stringify({ sig, payload, ...rest }))
    expect(utf8.decode(encodeEnvelope(shuffled))).toBe(utf8.decode(encodeEnvelope(env)))
  })

  it('rejects a wrong key, a changed byte, expiry, an unknown kind and other networks', () => {
    const forged = signEnvelope({ kind: 'vote', net: 'net1', author: 'alice', seq: 7, payload: {}, ttlMs: 60_000 }, mallory)
    expect(reason(() => verifyEnvelope(forged, opts))).toBe('unknown_signer')
    const sameKeyId = { ...forged, keyId: alice.keyId }
    expect(reason(() => verifyEnvelope(sameKeyId, opts))).toBe('bad_signature')
    const bytes = encodeEnvelope(env)
    const text = utf8.decode(bytes).replace('"term":3', '"term":4')
    expect(reason(() => verifyEnvelope(decodeEnvelope(utf8.encode(text)), opts))).toBe('bad_signature')
    expect(reason(() => verifyEnvelope({ ...env, seq: 8 }, opts))).toBe('bad_signature')
    expect(reason(() => verifyEnvelope(env, { ...opts, now: env.exp + 1 }))).toBe('expired')
    expect(reason(() => verifyEnvelope(env, { ...opts, now: env.exp + 1, allowExpired: true }))).toBe('accepted')
    expect(reason(() => verifyEnvelope(env, { ...opts, now: env.iat - 10 * 60_000 }))).toBe('not_yet_valid')
    expect(reason(() => verifyEnvelope(env, { ...opts, net: 'other' }))).toBe('wrong_network')
    expect(reason(() => verifyEnvelope(env, { ...opts, kinds: ['roster'] }))).toBe('unknown_kind')
    const unknown = utf8.decode(bytes).replace('"kind":"vote"', '"kind":"telepathy"')
    expect(reason(() => decodeEnvelope(utf8.encode(unknown)))).toBe('unknown_kind')
  })

  it('rejects malformed and oversized bytes without throwing anything else', () => {
    expect(reason(() => decodeEnvelope(utf8.encode('not json')))).toBe('malformed')
    expect(reason(() => decodeEnvelope(new Uint8Array([0xff, 0xfe])))).toBe('malformed')
    expect(reason(() => decodeEnvelope(utf8.encode('{"v":1}')))).toBe('malformed')
    const withExtra = { ...env, extra: true } as unknown as Envelope
    expect(reason(() => decodeEnvelope(utf8.encode(JSON.stringify(withExtra))))).toBe('malformed')
    expect(reason(() => decodeEnvelope(new Uint8Array(600 * 1024)))).toBe('oversized')
    const big = signEnvelope({ kind: 'decision', net: 'n', author: 'a', seq: 0, payload: 'x'.repeat(600 * 1024), ttlMs: 1 }, alice)
    expect(reason(() => encodeEnvelope(big))).toBe('oversized')
  })
})
