// Fuzzing the one record validator (src-main/core/records/validate.ts) as the DHT, gossip and the local store use it:
// tampered records, records under the wrong key, signed-but-lying decisions from a member, garbage keys and bytes.
// Every refusal is a RecordError; nothing is ever accepted with content other than what was signed and stored.
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import type { DecisionHeader } from '../../src-shared/decisions.ts'
import { mayPublish } from '../../src-shared/roles.ts'
import { formatAddress, parseAddress } from '../../src-shared/ucxl.ts'
import { canonicalJson, fromBase64, utf8 } from '../../src-main/core/crypto/encoding.ts'
import { decodeEnvelope, RecordError, REJECT_REASONS, type Envelope } from '../../src-main/core/crypto/envelope.ts'
import { sha256Hex } from '../../src-main/core/crypto/hash.ts'
import { findMember } from '../../src-main/core/membership/roster.ts'
import { certificateKey, decisionKey, keyringKey, keysKey, logKey, parseRecordKey, rosterKey } from '../../src-main/core/records/keys.ts'
import { decisionRecordSchema } from '../../src-main/core/records/schemas.ts'
import { expectNoPrototypePollution, fuzz, mutatedBytes, mutatedObject, mutatedString, oneByteFlipped, timed, weirdString } from './fuzz.ts'
import { fuzzNetwork, type FuzzNetwork } from './network-fixture.ts'

let n: FuzzNetwork
beforeAll(async () => {
  n = await fuzzNetwork()
})

/** byKey's verdict: the envelope, or the RecordError's reason; any other exception fails the property. */
function judge(key: string, bytes: Uint8Array): { ok: true; env: Envelope } | { ok: false; reason: string } {
  try {
    return { ok: true, env: timed(1000, 'byKey', () => n.validator.byKey(key, bytes)) }
  } catch (err) {
    if (!(err instanceof RecordError)) throw new Error(`byKey threw ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}, not a RecordError`, { cause: err })
    expect(REJECT_REASONS).toContain(err.reason)
    expect(err.message.length).toBeGreaterThan(0)
    expect(err.message.length).toBeLessThanOrEqual(1000)
    return { ok: false, reason: err.reason }
  }
}

const sameRecord = (env: Envelope, bytes: Uint8Array): void => expect(canonicalJson(env)).toBe(utf8.decode(bytes))

describe('fuzz: the record validator (DHT, gossip, local store)', () => {
  it('refuses every stored record changed in one byte, or it is the very record that was signed', () => {
    const pick = fc.nat().chain((i) => {
      const r = n.records[i % n.records.length]!
      return fc.tuple(fc.constant(r), oneByteFlipped(r.bytes))
    })
    fc.assert(
      fc.property(pick, ([r, { bytes }]) => {
        const v = judge(r.key, bytes)
        if (v.ok) sameRecord(v.env, r.bytes)
      }),
      fuzz('validator one byte', 600),
    )
  })

  it('refuses records with bytes inserted, deleted, truncated or appended', () => {
    const pick = fc.nat().chain((i) => {
      const r = n.records[i % n.records.length]!
      return fc.tuple(fc.constant(r), mutatedBytes(fc.constant(r.bytes)))
    })
    fc.assert(
      fc.property(pick, ([r, bytes]) => {
        const v = judge(r.key, bytes)
        if (v.ok) sameRecord(v.env, r.bytes)
      }),
      fuzz('validator byte edits', 300),
    )
  })

  it('accepts a valid record only under its own key', () => {
    const keys = (): fc.Arbitrary<string> =>
      fc.oneof(
        fc.constantFrom(...n.records.map((r) => r.key), certificateKey(n.net), keyringKey(n.net), rosterKey('other'), keysKey(n.net, 'alice'), logKey(n.net, 'bob', 0), logKey(n.net, 'alice')),
        mutatedString(fc.constantFrom(...n.records.map((r) => r.key))),
        weirdString,
      )
    fc.assert(
      fc.property(fc.nat(), keys(), (i, key) => {
        const r = n.records[i % n.records.length]!
        const v = judge(key, r.bytes)
        if (v.ok) {
          expect(key).toBe(r.key)
          sameRecord(v.env, r.bytes)
        }
      }),
      fuzz('validator keys', 600),
    )
  })

  it('checks every rule of a decision a member signed: address, author, role, permission, content hash, key', () => {
    // The signature is good (the member signed it), so only the validator's own rules stand between a lying
    // member and the other peers' stores. Accepted means every rule holds, checked here independently.
    const headerFields = Object.keys({ address: 0, type: 0, audience: 0, author: 0, authorRole: 0, createdAt: 0, supersedes: 0, contentHash: 0, size: 0 })
    const lie = fc.record({
      author: fc.constantFrom('alice' as const, 'bob' as const),
      header: mutatedObject(fc.constant(n.decision.header as unknown as Record<string, unknown>), headerFields),
      sealed: fc.oneof(fc.constant(n.decision.sealed), mutatedString(fc.constant(n.decision.sealed))),
      storedUnder: fc.constantFrom('own address', 'original key'),
    })
    const seen = { accepted: 0, refused: 0 }
    fc.assert(
      fc.property(lie, ({ author, header, sealed, storedUnder }) => {
        let bytes: Uint8Array
        try {
          bytes = n.signDecision(author, header as unknown as DecisionHeader, sealed)
        } catch {
          return // not even encodable (too large, not JSON): nothing a member could send
        }
        const parsed = typeof header.address === 'string' ? parseAddress(header.address) : undefined
        const key = storedUnder === 'own address' && parsed?.ok === true ? decisionKey(n.net, header.address as string) : n.decision.key
        const v = judge(key, bytes)
        expectNoPrototypePollution()
        seen[v.ok ? 'accepted' : 'refused']++
        if (!v.ok) return
        const record = decisionRecordSchema.parse(v.env.payload)
        const h = record.header
        const member = findMember(n.roster, v.env.author)!
        expect(parsed?.ok).toBe(true)
        expect(formatAddress((parsed as { ok: true; value: Parameters<typeof formatAddress>[0] }).value)).toBe(h.address)
        expect(key).toBe(decisionKey(n.net, h.address))
        expect(h.author).toBe(v.env.author)
        expect(h.address.split('/')[0]).toBe(v.env.author)
        expect(h.address.split('/')[1]).toBe(h.authorRole)
        expect([member.role, ...(member.formerRoles ?? [])]).toContain(h.authorRole)
        expect(mayPublish(h.authorRole, h.type, h.audience).allowed).toBe(true)
        const sealedBytes = fromBase64(record.sealed)
        expect(sha256Hex(sealedBytes)).toBe(h.contentHash)
        expect(sealedBytes.length).toBe(h.size)
        if (h.supersedes !== undefined) expect(parseAddress(h.supersedes).ok).toBe(true)
      }),
      fuzz('validator lying decisions', 400),
    )
    // Not vacuous: harmless edits (an unknown header field, the same value) pass, the others are refused.
    expect(seen.accepted).toBeGreaterThan(0)
    expect(seen.refused).toBeGreaterThan(seen.accepted)
  })

  it('regression: a refusal quoting what the peer sent stays short (a 20 KB header.author was quoted whole)', () => {
    const bytes = n.signDecision('alice', { ...n.decision.header, author: 'a'.repeat(20_000) }, n.decision.sealed)
    let caught: unknown
    try {
      n.validator.byKey(n.decision.key, bytes)
    } catch (err) {
      caught = err
    }
    expect(caught).toBeInstanceOf(RecordError)
    expect((caught as RecordError).reason).toBe('forbidden')
    expect((caught as RecordError).message).toMatch(/^'alice' signed a decision attributed to 'aaaa/)
    expect((caught as RecordError).message.length).toBeLessThanOrEqual(500)
  })

  it('the kad-dht validator refuses garbage keys and bytes with a RecordError', async () => {
    const validate = n.validator.kadValidators().bzzz!
    const anyKey = fc.oneof(
      fc.constantFrom(...n.records.map((r) => r.key)).map((k) => utf8.encode(k)),
      mutatedBytes(fc.constantFrom(...n.records.map((r) => utf8.encode(r.key)))),
      fc.uint8Array({ maxLength: 80 }),
    )
    const anyValue = fc.oneof(fc.constantFrom(...n.records.map((r) => r.bytes)), mutatedBytes(fc.constantFrom(...n.records.map((r) => r.bytes))), fc.uint8Array({ maxLength: 300 }))
    await fc.assert(
      fc.asyncProperty(anyKey, anyValue, async (key, value) => {
        try {
          await validate(key, value)
        } catch (err) {
          if (!(err instanceof RecordError)) throw new Error(`kad validator threw ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`, { cause: err })
          return
        }
        // Accepted: it is one of the valid records under its own key.
        const r = n.records.find((x) => utf8.decode(x.bytes) === Buffer.from(value).toString('utf8'))
        expect(r, 'accepted something that is not a stored record').toBeDefined()
        expect(Buffer.from(key).toString('utf8')).toBe(r!.key)
      }),
      fuzz('kad validator', 400),
    )
  })

  it('regression: a DHT key that is not UTF-8 is malformed, not a TypeError from the decoder', async () => {
    const validate = n.validator.kadValidators().bzzz!
    await expect(validate(new Uint8Array([0x2f, 0xff, 0xfe]), n.records[0]!.bytes)).rejects.toMatchObject({ name: 'RecordError', reason: 'malformed' })
  })

  it('DHT keys round-trip through parseRecordKey, and any other text parses to nothing or to what it spells', () => {
    const net = fc.stringMatching(/^[A-Za-z0-9._-]{1,20}$/)
    const member = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,20}$/).filter((m) => !m.includes('..'))
    fc.assert(
      fc.property(net, member, fc.nat({ max: 9_999_999 }), (nt, m, page) => {
        expect(parseRecordKey(rosterKey(nt))).toEqual({ type: 'roster', net: nt })
        expect(parseRecordKey(keyringKey(nt))).toEqual({ type: 'keyring', net: nt })
        expect(parseRecordKey(certificateKey(nt))).toEqual({ type: 'certificate', net: nt })
        expect(parseRecordKey(keysKey(nt, m))).toEqual({ type: 'keys', net: nt, member: m })
        expect(parseRecordKey(logKey(nt, m))).toEqual({ type: 'log', net: nt, member: m })
        expect(parseRecordKey(logKey(nt, m, page))).toEqual({ type: 'log', net: nt, member: m, page })
        const address = `${m}/architect/p/t/n1`
        expect(parseRecordKey(decisionKey(nt, address))).toEqual({ type: 'decision', net: nt, hash: sha256Hex(utf8.encode(address)) })
      }),
      fuzz('record keys round trip', 200),
    )
    const anyKey = fc.oneof(mutatedString(fc.constantFrom(rosterKey('n1'), logKey('n1', 'bob', 3), keysKey('n1', 'bob'), decisionKey('n1', 'a/observer/p/t/n'))), weirdString)
    fc.assert(
      fc.property(anyKey, (key) => {
        const k = parseRecordKey(key)
        if (k === undefined) return
        // Whatever parses is written back by the key builders exactly as given: one key, one record.
        const rebuilt = k.type === 'roster' ? rosterKey(k.net) : k.type === 'keyring' ? keyringKey(k.net) : k.type === 'certificate' ? certificateKey(k.net) : k.type === 'keys' ? keysKey(k.net, k.member) : k.type === 'log' ? logKey(k.net, k.member, k.page) : `/bzzz/${k.net}/ucxl/${k.hash}`
        expect(rebuilt).toBe(key)
      }),
      fuzz('record keys garbage', 500),
    )
  })

  it('the kad-dht selector never throws and picks a decodable record whenever there is one', async () => {
    const candidate = fc.oneof(fc.constantFrom(...n.records.map((r) => r.bytes)), mutatedBytes(fc.constantFrom(...n.records.map((r) => r.bytes))), fc.uint8Array({ maxLength: 64 }))
    const select = n.validator.kadSelectors().bzzz!
    await fc.assert(
      fc.asyncProperty(fc.array(candidate, { minLength: 1, maxLength: 8 }), fc.uint8Array({ maxLength: 40 }), async (records, key) => {
        const i = await select(key, records)
        expect(Number.isInteger(i)).toBe(true)
        expect(i).toBeGreaterThanOrEqual(0)
        expect(i).toBeLessThan(records.length)
        const decodes = (b: Uint8Array): boolean => {
          try {
            decodeEnvelope(b)
            return true
          } catch {
            return false
          }
        }
        if (records.some(decodes)) expect(decodes(records[i]!)).toBe(true)
      }),
      fuzz('kad selector', 300),
    )
  })
})
