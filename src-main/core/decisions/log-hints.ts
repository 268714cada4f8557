// Catch-up hints: "which members' logs do you know of, and how long are they?", asked of a few connected members.
// Without them a peer's catch-up looks up the log head of every member in the DHT, most of them members who never
// published (a lookup of an absent key runs the whole kad query), so every join cost O(N) lookups and forming a
// network of N peers O(N²): at 50 peers in one process the network did not form. With them a catch-up looks up only
// the logs someone knows to be longer than ours.
//
// A hint is not signed and is not trusted with anything but where to look: the log heads are still read from the DHT
// and verified, and the periodic full sweep (every member's log) stays, so a peer that lies only delays.
import { z } from 'zod'
import type { PeerId } from '@libp2p/interface'
import { utf8 } from '../crypto/encoding.ts'
import type { NetworkNode } from '../network/node.ts'
import { request, serve } from '../network/rpc.ts'

/** Entries in one answer (a member id is at most 64 characters: ~300 KB at most). */
const MAX_AUTHORS = 4096
const requestSchema = z.object({ type: z.literal('log_counts') }).strict()
const replySchema = z.object({ authors: z.array(z.tuple([z.string().max(256), z.number().int().nonnegative()])).max(MAX_AUTHORS) }).strict()

export interface LogHintsHost {
  node: NetworkNode
  protocol: string
  /** Authors of the current roster with the length of their log as this peer knows it. */
  counts: () => Map<string, number>
  onError: (err: unknown) => void
}

export async function serveLogHints(host: LogHintsHost): Promise<void> {
  await serve(
    host.node,
    host.protocol,
    async (body) => {
      // Not JSON: JSON.parse throws, the stream is aborted and the inbound guard counts it against the sender. JSON of
      // another shape (a newer version, say) gets a refusal, as the vote and share protocols answer.
      if (!requestSchema.safeParse(JSON.parse(utf8.decode(body))).success) return utf8.encode(JSON.stringify({ error: 'malformed request' }))
      const authors = [...host.counts()].filter(([, n]) => n > 0).slice(0, MAX_AUTHORS)
      return utf8.encode(JSON.stringify({ authors }))
    },
    { timeoutMs: 10_000, maxBytes: 64 * 1024, onError: host.onError },
  )
}

/**
 * Asks `peers` at once and merges their answers (the longest count per author). Undefined when none answered: the
 * caller then sweeps every member's log.
 */
export async function askLogHints(node: NetworkNode, protocol: string, peers: PeerId[], timeoutMs: number): Promise<Map<string, number> | undefined> {
  const body = utf8.encode(JSON.stringify({ type: 'log_counts' }))
  const answers = await Promise.all(
    peers.map(async (p) => {
      try {
        const reply = await request(node, p, protocol, body, { timeoutMs })
        return replySchema.parse(JSON.parse(utf8.decode(reply))).authors
      } catch {
        return undefined // unreachable, too slow, or an answer that does not parse: the others may still answer
      }
    }),
  )
  const merged = new Map<string, number>()
  let answered = 0
  for (const authors of answers) {
    if (authors === undefined) continue
    answered++
    for (const [author, count] of authors) merged.set(author, Math.max(count, merged.get(author) ?? 0))
  }
  return answered === 0 ? undefined : merged
}
