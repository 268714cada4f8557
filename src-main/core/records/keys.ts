// DHT keys. All under /bzzz/{network}/..., so kad-dht routes them to our validators and selectors ('bzzz').
// Keys are hashed by the DHT, so wildcard queries use the per-author logs (see decisions/log.ts), not key scans.
import { formatAddress, mustParseAddress } from '../../../src-shared/ucxl.ts'
import { sha256Hex } from '../crypto/hash.ts'
import { utf8 } from '../crypto/encoding.ts'

export type RecordKey =
  | { type: 'decision'; net: string; hash: string }
  | { type: 'roster'; net: string }
  | { type: 'keys'; net: string; member: string }
  | { type: 'log'; net: string; member: string; page?: number }
  | { type: 'keyring'; net: string }
  | { type: 'certificate'; net: string }

/** The DHT key of a decision: a hash of its address, so reading by address needs no lookup table. */
export function decisionKey(net: string, address: string): string {
  return `/bzzz/${net}/ucxl/${sha256Hex(formatAddress(mustParseAddress(address)))}`
}

export function rosterKey(net: string): string {
  return `/bzzz/${net}/roster`
}

export function keysKey(net: string, member: string): string {
  return `/bzzz/${net}/keys/${member}`
}

/** Every role key, sealed to the admin key: whoever rebuilds the admin key can administer the roles. */
export function keyringKey(net: string): string {
  return `/bzzz/${net}/keyring`
}

/** The newest election certificate (selector: highest term). */
export function certificateKey(net: string): string {
  return `/bzzz/${net}/election`
}

/** An author's log: the head (current page) without a page number, full pages with one. */
export function logKey(net: string, member: string, page?: number): string {
  return page === undefined ? `/bzzz/${net}/log/${member}` : `/bzzz/${net}/log/${member}/${page}`
}

export function parseRecordKey(key: string): RecordKey | undefined {
  const parts = key.split('/')
  if (parts[0] !== '' || parts[1] !== 'bzzz' || parts[2] === undefined || parts[2] === '') return undefined
  const net = parts[2]
  const rest = parts.slice(3)
  if (rest[0] === 'ucxl' && rest.length === 2 && /^[0-9a-f]{64}$/.test(rest[1] ?? '')) return { type: 'decision', net, hash: rest[1]! }
  if (rest[0] === 'roster' && rest.length === 1) return { type: 'roster', net }
  if (rest[0] === 'keyring' && rest.length === 1) return { type: 'keyring', net }
  if (rest[0] === 'election' && rest.length === 1) return { type: 'certificate', net }
  if (rest[0] === 'keys' && rest.length === 2 && rest[1]) return { type: 'keys', net, member: rest[1] }
  if (rest[0] === 'log' && rest.length === 2 && rest[1]) return { type: 'log', net, member: rest[1] }
  if (rest[0] === 'log' && rest.length === 3 && rest[1] && /^(0|[1-9][0-9]{0,6})$/.test(rest[2] ?? '')) return { type: 'log', net, member: rest[1], page: Number(rest[2]) }
  return undefined
}

export function keyBytes(key: string): Uint8Array {
  return utf8.encode(key)
}
