import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { adminKeyFromSecret, adminPublic, generateAdminKey, matchesAdminPublic } from './admin-key.ts'
import { equalBytes } from './encoding.ts'
import { combineShares, decodeShare, encodeShare, splitSecret, type Share } from './shamir.ts'

const admin = generateAdminKey()
const pub = adminPublic(admin)
const verify = (s: Uint8Array) => matchesAdminPublic(s, pub)
const { shares, commitments } = await splitSecret(admin.secret)

function corrupt(share: Share): Share {
  const bytes = new Uint8Array(share.bytes)
  bytes[0]! ^= 0x5a
  return { index: share.index, bytes }
}

describe('Shamir 3-of-5 for the admin key', () => {
  it('rebuilds the key from every one of the 60 ordered choices of 3 of 5 shares', async () => {
    let tried = 0
    for (const a of shares) for (const b of shares) for (const c of shares) {
      if (a === b || b === c || a === c) continue
      const r = await combineShares([a, b, c], { verify, commitments })
      expect(r.ok && equalBytes(r.secret, admin.secret)).toBe(true)
      tried++
    }
    expect(tried).toBe(60)
  })

  it('does not rebuild from 2 shares, and says how many more are needed', async () => {
    const r = await combineShares(shares.slice(0, 2), { verify })
    expect(r).toMatchObject({ ok: false, have: 2, needed: 3, reason: '2 of 3 shares; 1 more needed' })
  })

  it('counts a duplicated share once', async () => {
    const [a, b] = shares as [Share, Share]
    const r = await combineShares([a, a, b, { index: a.index, bytes: new Uint8Array(a.bytes) }], { verify })
    expect(r).toMatchObject({ ok: false, have: 2 })
  })

  it('names a corrupted share by its commitment, and rebuilds from the others', async () => {
    const [a, b, c, d] = shares as [Share, Share, Share, Share]
    const r = await combineShares([a, corrupt(b), c, d], { verify, commitments })
    expect(r.ok).toBe(true)
    expect(r.bad).toEqual([{ index: b.index, reason: expect.stringContaining('commitment') }])
  })

  it('names a corrupted share without commitments by trying subsets', async () => {
    const [a, b, c, d] = shares as [Share, Share, Share, Share]
    const r = await combineShares([a, b, corrupt(c), d], { verify })
    expect(r.ok && equalBytes(r.secret, admin.secret)).toBe(true)
    expect(r.bad.map((x) => x.index)).toEqual([c.index])
  })

  it('refuses three shares when one is wrong and nothing can tell which', async () => {
    const [a, b, c] = shares as [Share, Share, Share]
    const r = await combineShares([a, b, corrupt(c)], { verify })
    expect(r).toMatchObject({ ok: false, reason: expect.stringContaining('one more share is needed') })
  })

  it('refuses shares of another split of another key', async () => {
    const other = await splitSecret(randomBytes(32))
    const r = await combineShares(other.shares.slice(0, 3), { verify })
    expect(r.ok).toBe(false)
  })

  it('derives both admin public keys from the secret and encodes shares as text', () => {
    expect(adminPublic(adminKeyFromSecret(admin.secret))).toEqual(pub)
    expect(matchesAdminPublic(new Uint8Array(32), pub)).toBe(false)
    const s = shares[2]!
    expect(decodeShare(encodeShare(s))).toEqual(s)
    expect(() => decodeShare('zz')).toThrow(/not a share/)
  })
})
