// Catch-up: what was published while this peer was away. For each member whose log may be longer than what this peer
// holds, read the head of the log from the DHT; when it is longer, fetch the missing pages, index the headers and
// fetch the records. Runs after the first connection, after every reconnection and on an interval.
//
// Which members: a hinted pass asks a few connected members how long each log is (log-hints.ts) and reads only the
// logs someone knows to be longer than ours; a full pass reads every member's log (the safety net: a hint is
// unsigned), and is what a hinted pass falls back to when nobody answers.
import type { DecisionHeader } from '../../../src-shared/decisions.ts'
import { decodeEnvelope } from '../crypto/envelope.ts'
import type { Peer } from '../peer.ts'
import { decisionKey, logKey } from '../records/keys.ts'
import { LOG_PAGE_SIZE } from '../records/schemas.ts'
import type { RecordValidator } from '../records/validate.ts'
import { pagesToFetch } from './author-log.ts'
import type { DecisionIndex } from './decision-index.ts'
import type { DecisionService } from './service.ts'

export type CatchUpMode = 'hinted' | 'full'

export interface CatchUpResult {
  mode: CatchUpMode
  /** Member logs looked up in the DHT. */
  lookups: number
  /** Logs found. */
  authors: number
  newHeaders: number
  fetched: number
  missing: number
}

export class CatchUp {
  private running: Promise<CatchUpResult> | undefined
  lastRun: CatchUpResult | undefined
  private readonly deps: {
    peer: Peer
    index: DecisionIndex
    validator: RecordValidator
    decisions: DecisionService
    get: (key: string) => Promise<Uint8Array | undefined>
    /** Log lengths as connected members know them; undefined when none answered. */
    hints: () => Promise<Map<string, number> | undefined>
  }

  constructor(deps: CatchUp['deps']) {
    this.deps = deps
  }

  /** One pass; concurrent callers share the pass in progress. */
  run(mode: CatchUpMode = 'full'): Promise<CatchUpResult> {
    this.running ??= this.pass(mode).finally(() => {
      this.running = undefined
    })
    return this.running
  }

  private async pass(requested: CatchUpMode): Promise<CatchUpResult> {
    const { peer, index, validator, decisions, get } = this.deps
    const hints = requested === 'hinted' ? await this.deps.hints() : undefined
    const mode: CatchUpMode = hints === undefined ? 'full' : 'hinted'
    const roster = peer.roster.roster
    const net = roster.network.id
    const self = peer.sessionOrUndefined?.memberId
    const result: CatchUpResult = { mode, lookups: 0, authors: 0, newHeaders: 0, fetched: 0, missing: 0 }
    const toFetch: DecisionHeader[] = []
    const fresh = new Set<string>()
    const learned: { author: string; entries: { position: number; address: string }[] }[] = []
    // One DHT lookup per member, eight at a time: all at once, a 100-member roster made 100 concurrent kad-dht
    // queries (most for members who never published, which run to their end), a burst that delayed everything else.
    const members = roster.members.filter((m) => hints === undefined || (m.id !== self && (hints.get(m.id) ?? 0) > index.contiguousCount(m.id)))
    await Promise.all(
      Array.from({ length: Math.min(8, members.length) }, async () => {
        for (let member = members.shift(); member !== undefined; member = members.shift()) await readAuthorLog(member)
      }),
    )
    async function readAuthorLog(member: (typeof roster.members)[number]): Promise<void> {
      result.lookups++
      const headBytes = await get(logKey(net, member.id))
      if (headBytes === undefined) return
      let head
      try {
        head = validator.log(decodeEnvelope(headBytes), logKey(net, member.id))
      } catch {
        return
      }
      result.authors++
      const known = index.contiguousCount(member.id)
      if (head.payload.count <= known) return
      await peer.records.put(logKey(net, member.id), headBytes)
      const positioned: { position: number; header: DecisionHeader }[] = head.payload.entries.map((h, i) => ({ position: head.payload.page * LOG_PAGE_SIZE + i, header: h }))
      for (const page of pagesToFetch(known, head.payload.count)) {
        const bytes = await get(logKey(net, member.id, page))
        if (bytes === undefined) continue
        try {
          const env = validator.log(decodeEnvelope(bytes), logKey(net, member.id, page))
          await peer.records.put(logKey(net, member.id, page), bytes)
          positioned.push(...env.payload.entries.map((h, i) => ({ position: page * LOG_PAGE_SIZE + i, header: h })))
        } catch {
          // a bad page is skipped; the next pass tries again
        }
      }
      for (const { header } of positioned) {
        if (await index.add(header)) {
          result.newHeaders++
          fresh.add(header.address)
          toFetch.push(header)
        } else if (!(await peer.records.has(decisionKey(net, header.address)))) {
          // Indexed by an earlier pass whose fetch never finished (killed, or the record was not found then).
          toFetch.push(header)
        }
      }
      learned.push({ author: member.id, entries: positioned.map((p) => ({ position: p.position, address: p.header.address })) })
    }
    // Records are fetched with bounded concurrency so a long absence does not flood the network.
    const queue = [...toFetch]
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let h = queue.shift(); h !== undefined; h = queue.shift()) {
          const env = await decisions.fetchRecord(h.address).catch(() => undefined)
          if (env === undefined) result.missing++
          else result.fetched++
          // Indexed here, the header never reaches ingest as new: tell the UI as gossip would have (the title when
          // this member could open the record; transports filter it again).
          if (!fresh.has(h.address)) continue
          const title = decisions.search.get(h.address)?.title
          peer.events.emit('decision.published', { header: h, local: false, ...(title === undefined ? {} : { title }) })
        }
      }),
    )
    // Positions only after the fetches: killed before this, the next pass reads the same pages again and fetches
    // what is still missing (the headers are indexed already, so only the records' absence tells).
    for (const { author, entries } of learned) await index.setLogPositions(author, entries)
    this.lastRun = result
    return result
  }
}
