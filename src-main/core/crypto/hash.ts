// Hashes and short fingerprints.
import { createHash } from 'node:crypto'
import { toHex } from './encoding.ts'

export function sha256(data: Uint8Array | string): Uint8Array {
  return new Uint8Array(createHash('sha256').update(data).digest())
}

export function sha256Hex(data: Uint8Array | string): string {
  return toHex(sha256(data))
}

/** A 16-hex-character fingerprint: enough to tell keys apart in lists and logs, never used as a secret. */
export function fingerprint(data: Uint8Array | string): string {
  return sha256Hex(data).slice(0, 16)
}
