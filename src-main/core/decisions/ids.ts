// Node ids for new decisions: time-ordered (48-bit milliseconds) plus 80 random bits, in Crockford base32,
// lower-case so they are valid UCXL segments. Sorting by id sorts by creation time.
import { randomBytes } from 'node:crypto'

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz'

export function newNodeId(now = Date.now()): string {
  let time = ''
  let t = now
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time
    t = Math.floor(t / 32)
  }
  const rand = randomBytes(10)
  let bits = 0
  let value = 0
  let out = ''
  for (const byte of rand) {
    value = (value << 8) | byte
    bits += 8
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31]
      bits -= 5
    }
  }
  return time + out
}
