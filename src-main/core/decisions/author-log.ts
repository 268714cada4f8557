// Each author's log of decision headers, kept in the DHT so that any peer can list what an author published
// (DHT keys are hashed: there is no prefix scan). Pages of 64 headers; the head page is rewritten on every publish,
// full pages never change. Catch-up reads the head of every member and fetches only the pages it is missing.
import type { DecisionHeader } from '../../../src-shared/decisions.ts'
import { encodeEnvelope, signEnvelope, type Envelope } from '../crypto/envelope.ts'
import type { SigningKeyPair } from '../crypto/signing.ts'
import { logKey } from '../records/keys.ts'
import { LOG_PAGE_SIZE, type LogRecord } from '../records/schemas.ts'

const LOG_TTL_MS = 100 * 365 * 24 * 3600 * 1000

export interface SignedRecord<P = unknown> {
  key: string
  envelope: Envelope<P>
  bytes: Uint8Array
}

/** The records to (re)write after an author's log reached `ordered.length` entries. */
export function logRecordsAfterPublish(net: string, author: string, ordered: DecisionHeader[], signing: SigningKeyPair): SignedRecord<LogRecord>[] {
  const count = ordered.length
  const fullPages = Math.floor(count / LOG_PAGE_SIZE)
  const sign = (key: string, page: number, entries: DecisionHeader[]): SignedRecord<LogRecord> => {
    const envelope = signEnvelope<LogRecord>({ kind: 'index', net, author, seq: count, payload: { author, count, page, entries }, ttlMs: LOG_TTL_MS }, signing)
    return { key, envelope, bytes: encodeEnvelope(envelope) }
  }
  const out = [sign(logKey(net, author), fullPages, ordered.slice(fullPages * LOG_PAGE_SIZE))]
  // The publish that fills a page writes that page once, for good.
  if (count > 0 && count % LOG_PAGE_SIZE === 0) out.push(sign(logKey(net, author, fullPages - 1), fullPages - 1, ordered.slice((fullPages - 1) * LOG_PAGE_SIZE, count)))
  return out
}

/** Which pages a reader holding `known` contiguous entries must fetch to reach `count` (the head covers the rest). */
export function pagesToFetch(known: number, count: number): number[] {
  const fullPages = Math.floor(count / LOG_PAGE_SIZE)
  const pages: number[] = []
  for (let p = Math.floor(known / LOG_PAGE_SIZE); p < fullPages; p++) pages.push(p)
  return pages
}
