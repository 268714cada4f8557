// Shamir 3-of-5 over GF(2^8) (shamir-secret-sharing), made safe to use: every share is bound to a signed
// commitment (its SHA-256), the rebuilt secret is checked against a known public key, and a bad share is named.
// The library itself returns a wrong secret, silently, for a wrong or corrupted share.
import { combine, split } from 'shamir-secret-sharing'
import { BzzzError } from '../../../src-shared/errors.ts'
import { equalBytes, toHex } from './encoding.ts'
import { sha256Hex } from './hash.ts'

export const SHARE_COUNT = 5
export const THRESHOLD = 3

export interface Share {
  /** Position 1..5 in the custody list. */
  index: number
  /** The library's share: y-values followed by the x coordinate in the last byte. */
  bytes: Uint8Array
}

export function shareDigest(bytes: Uint8Array): string {
  return sha256Hex(bytes)
}

export async function splitSecret(secret: Uint8Array, count = SHARE_COUNT, threshold = THRESHOLD): Promise<{ shares: Share[]; commitments: string[] }> {
  // The library rejects Node Buffers; hand it a plain Uint8Array copy.
  const raw = await split(new Uint8Array(secret), count, threshold)
  const shares = raw.map((bytes, i) => ({ index: i + 1, bytes }))
  return { shares, commitments: shares.map((s) => shareDigest(s.bytes)) }
}

export interface BadShare {
  index: number
  reason: string
}

export type CombineResult =
  | { ok: true; secret: Uint8Array; used: number[]; bad: BadShare[] }
  | { ok: false; reason: string; have: number; needed: number; bad: BadShare[] }

export interface CombineOptions {
  threshold?: number
  /** SHA-256 hex of each share by index (1-based positions: commitments[index-1]); from a signed custody record. */
  commitments?: readonly string[]
  /** True when the rebuilt secret is the real one (derives its public key and compares). */
  verify: (secret: Uint8Array) => boolean
}

/**
 * Rebuilds the secret. Duplicates count once; shares that fail their commitment are named and set aside; if the
 * result still does not verify (no commitments known), subsets are tried to find and name the bad share.
 */
export async function combineShares(input: readonly Share[], opts: CombineOptions): Promise<CombineResult> {
  const threshold = opts.threshold ?? THRESHOLD
  const bad: BadShare[] = []
  const byX = new Map<number, Share>()
  for (const share of input) {
    if (!(share.bytes instanceof Uint8Array) || share.bytes.length < 2) {
      bad.push({ index: share.index, reason: 'share is empty or not bytes' })
      continue
    }
    const expected = opts.commitments?.[share.index - 1]
    if (opts.commitments !== undefined && (expected === undefined || expected !== shareDigest(share.bytes))) {
      bad.push({ index: share.index, reason: expected === undefined ? 'no commitment for this share index' : 'share does not match its signed commitment (corrupted or forged)' })
      continue
    }
    const x = share.bytes[share.bytes.length - 1] ?? 0
    const seen = byX.get(x)
    if (seen !== undefined) {
      if (equalBytes(seen.bytes, share.bytes)) continue // the same share twice counts once
      bad.push({ index: share.index, reason: `conflicts with share ${seen.index} (same x coordinate, different value)` })
      continue
    }
    const length = [...byX.values()][0]?.bytes.length
    if (length !== undefined && length !== share.bytes.length) {
      bad.push({ index: share.index, reason: 'share has the wrong length' })
      continue
    }
    byX.set(x, share)
  }
  const good = [...byX.values()]
  if (good.length < threshold) {
    return { ok: false, reason: `${good.length} of ${threshold} shares; ${threshold - good.length} more needed`, have: good.length, needed: threshold, bad }
  }
  const attempt = async (subset: Share[]): Promise<Uint8Array | undefined> => {
    const secret = await combine(subset.map((s) => new Uint8Array(s.bytes)))
    return opts.verify(secret) ? secret : undefined
  }
  const all = await attempt(good)
  if (all !== undefined) return { ok: true, secret: all, used: good.map((s) => s.index), bad }

  // Some share is wrong but no commitment caught it: find a verifying subset, then test every other share against it.
  for (const subset of subsets(good, threshold)) {
    const secret = await attempt(subset)
    if (secret === undefined) continue
    const base = subset.slice(0, threshold - 1)
    for (const other of good.filter((s) => !subset.includes(s))) {
      if ((await attempt([...base, other])) === undefined) bad.push({ index: other.index, reason: 'share is not on the same polynomial as the others (corrupted or from another split)' })
    }
    return { ok: true, secret, used: subset.map((s) => s.index), bad }
  }
  return {
    ok: false,
    reason: `the rebuilt key does not match the admin public key; one of shares ${good.map((s) => s.index).join(', ')} is wrong and ${good.length === threshold ? 'one more share is needed to tell which' : 'no subset verifies'}`,
    have: good.length,
    needed: threshold,
    bad,
  }
}

function* subsets<T>(items: readonly T[], k: number, start = 0, acc: T[] = []): Generator<T[]> {
  if (acc.length === k) {
    yield [...acc]
    return
  }
  for (let i = start; i < items.length; i++) {
    acc.push(items[i] as T)
    yield* subsets(items, k, i + 1, acc)
    acc.pop()
  }
}

export function encodeShare(share: Share): string {
  return `${share.index}:${toHex(share.bytes)}`
}

export function decodeShare(text: string): Share {
  const m = /^([1-9][0-9]{0,2}):([0-9a-f]{4,512})$/.exec(text.trim())
  if (m === null || (m[2] ?? '').length % 2 !== 0) throw new BzzzError('invalid_input', 'not a share (expected INDEX:HEX)')
  return { index: Number(m[1]), bytes: new Uint8Array(Buffer.from(m[2] ?? '', 'hex')) }
}
