// Decisions: the seeds' publish and retrieve flows, queries, version history and ingest of what other peers publish.
//
// Publish: validate -> UCXL address -> role keys -> age encrypt -> sign -> local store (durable: this is the
// acknowledgement point) -> DHT put (deadline, counting replicas) -> gossip announcement.
// Retrieve: address -> cache (LRU + TTL) -> local store -> DHT -> verify -> permission -> decrypt -> cache.
import { contentBytes, contentSchema, LIMITS, type Decision, type DecisionContent, type DecisionHeader, type ListInput, type PublishRequest } from '../../../src-shared/decisions.ts'
import { BzzzError } from '../../../src-shared/errors.ts'
import { mayPublish, mayRead } from '../../../src-shared/roles.ts'
import { formatAddress } from '../../../src-shared/ucxl.ts'
import { ageDecrypt, ageEncrypt } from '../crypto/age.ts'
import { fromBase64, toBase64, utf8 } from '../crypto/encoding.ts'
import { decodeEnvelope, encodeEnvelope, RecordError, signEnvelope, type Envelope } from '../crypto/envelope.ts'
import { sha256Hex } from '../crypto/hash.ts'
import { failpoint } from '../failpoints.ts'
import { recipientsFor } from '../membership/roster.ts'
import type { Peer } from '../peer.ts'
import type { PutResult } from '../network/dht.ts'
import { decisionKey, parseRecordKey } from '../records/keys.ts'
import type { RecordStore } from '../records/record-store.ts'
import type { DecisionRecord } from '../records/schemas.ts'
import type { RecordValidator } from '../records/validate.ts'
import { logRecordsAfterPublish, type SignedRecord } from './author-log.ts'
import { LruTtlCache } from './cache.ts'
import type { DecisionIndex } from './decision-index.ts'
import { newNodeId } from './ids.ts'
import { listDecisions, SearchIndex } from './search.ts'

const DECISION_TTL_MS = 100 * 365 * 24 * 3600 * 1000
/** Records up to this size travel whole in the gossip announcement; bigger ones are fetched from the DHT. */
export const GOSSIP_INLINE_BYTES = 64 * 1024

export interface DecisionNetwork {
  put(key: string, bytes: Uint8Array, opts: { target: number; timeoutMs: number }): Promise<PutResult>
  get(key: string, opts: { timeoutMs: number }): Promise<Uint8Array | undefined>
  announce(bytes: Uint8Array): Promise<void>
}

export interface DecisionSettings {
  replicas: number
  cacheEntries: number
  cacheTtlSeconds: number
  putTimeoutMs: number
  getTimeoutMs: number
}

export interface DecisionStats {
  published: number
  publishFailed: number
  retrieved: number
  retrieveFailed: number
  ingested: number
}

export class DecisionService {
  network: DecisionNetwork | undefined
  readonly search = new SearchIndex()
  readonly cache: LruTtlCache<string, Decision>
  readonly stats: DecisionStats = { published: 0, publishFailed: 0, retrieved: 0, retrieveFailed: 0, ingested: 0 }
  private readonly peer: Peer
  private readonly records: RecordStore
  private readonly index: DecisionIndex
  private readonly validator: RecordValidator
  private readonly settings: DecisionSettings
  private localQueue: Promise<unknown> = Promise.resolve()
  private searchBuilt: Promise<void> | undefined
  private readonly fetching = new Map<string, Promise<Envelope<DecisionRecord> | undefined>>()

  constructor(deps: { peer: Peer; records: RecordStore; index: DecisionIndex; validator: RecordValidator; settings: DecisionSettings }) {
    this.peer = deps.peer
    this.records = deps.records
    this.index = deps.index
    this.validator = deps.validator
    this.settings = deps.settings
    this.cache = new LruTtlCache(deps.settings.cacheEntries, deps.settings.cacheTtlSeconds * 1000)
  }

  /** Settings changed at runtime (config.set): replicas for the next publish, cache bounds at once. */
  updateSettings(s: Partial<DecisionSettings>): void {
    Object.assign(this.settings, s)
    this.cache.resize(this.settings.cacheEntries, this.settings.cacheTtlSeconds * 1000)
  }

  /** The network's deadlines (the runtime's settings), in force from the next operation. */
  setTimeouts(t: { putTimeoutMs: number; getTimeoutMs: number }): void {
    this.settings.putTimeoutMs = t.putTimeoutMs
    this.settings.getTimeoutMs = t.getTimeoutMs
  }

  /** Forget everything decrypted (vault locked). */
  forgetDecrypted(): void {
    this.search.clear()
    this.cache.clear()
    this.searchBuilt = undefined
  }

  // -- publish ------------------------------------------------------------------------------------------------

  async publish(input: PublishRequest): Promise<{ address: string; replicas: number; header: DecisionHeader }> {
    try {
      return await this.publishOnce(input)
    } catch (err) {
      this.stats.publishFailed++
      throw err
    }
  }

  private async publishOnce(input: PublishRequest): Promise<{ address: string; replicas: number; header: DecisionHeader }> {
    const session = this.peer.session
    const roster = this.peer.roster.roster
    const bytes = contentBytes(input)
    if (bytes > LIMITS.contentBytes) throw new BzzzError('too_large', `the decision's text is ${bytes} bytes; the limit is ${LIMITS.contentBytes} (256 KiB)`)
    const may = mayPublish(session.role, input.type, input.audience)
    if (!may.allowed) throw new BzzzError('forbidden', may.reason)
    const supersedes = input.links.filter((l) => l.kind === 'supersedes')
    if (supersedes.length > 1) throw new BzzzError('invalid_input', 'a decision can supersede at most one earlier version')

    const content: DecisionContent = {
      title: input.title,
      body: input.body,
      status: input.status,
      tags: [...new Set(input.tags)],
      links: input.links,
      ...(input.context === undefined ? {} : { context: input.context }),
      ...(input.consequences === undefined ? {} : { consequences: input.consequences }),
      ...(input.options === undefined ? {} : { options: input.options }),
      ...(input.code === undefined ? {} : { code: input.code }),
    }
    const createdAt = Date.now()
    const address = formatAddress({ agent: session.memberId, role: session.role, project: input.project, task: input.task, node: newNodeId(createdAt) })
    const sealed = await ageEncrypt(JSON.stringify(content), recipientsFor(roster, input.audience).map((r) => r.recipient))
    const header: DecisionHeader = {
      address,
      type: input.type,
      audience: input.audience,
      author: session.memberId,
      authorRole: session.role,
      createdAt,
      ...(supersedes[0] === undefined ? {} : { supersedes: supersedes[0].address }),
      contentHash: sha256Hex(sealed),
      size: sealed.length,
    }
    const envelope = signEnvelope<DecisionRecord>(
      { kind: 'decision', net: session.networkId, author: session.memberId, seq: 0, payload: { header, sealed: toBase64(sealed) }, ttlMs: DECISION_TTL_MS, now: createdAt },
      session.signing,
    )
    const recordBytes = encodeEnvelope(envelope)
    const key = decisionKey(session.networkId, address)

    failpoint('publish.after-validation', { address })

    // The local part is serialized so the author's log positions stay in publish order; the network part is not.
    // Record, header, log position and log records are one batch: a kill leaves all of this publish or none of it.
    const logRecords = await this.serialized(async () => {
      const position = this.index.contiguousCount(session.memberId)
      const earlier = this.index.logAddresses(session.memberId, 0, position).map((a) => this.index.get(a)).filter((h): h is DecisionHeader => h !== undefined)
      const logs = logRecordsAfterPublish(session.networkId, session.memberId, [...earlier, header], session.signing)
      await this.index.addOwn(header, position, [this.records.write(key, recordBytes), ...logs.map((r) => this.records.write(r.key, r.bytes))])
      return logs
    })
    failpoint('publish.after-local-write', { address })
    this.search.set(address, content)
    this.stats.published++

    let replicas = 0
    const network = this.network
    if (network !== undefined) {
      // The author's log goes out in the background (it is already in the local store, and the republisher puts it
      // back anyway); under load, successive heads coalesce so only the newest is sent.
      this.queueLogPut(network, logRecords)
      const put = await network.put(key, recordBytes, { target: this.settings.replicas, timeoutMs: this.settings.putTimeoutMs })
      replicas = put.replicas
      failpoint('publish.after-dht-put', { address, replicas })
      const announcement =
        recordBytes.length <= GOSSIP_INLINE_BYTES
          ? recordBytes
          : encodeEnvelope(signEnvelope({ kind: 'announcement', net: session.networkId, author: session.memberId, seq: 0, payload: { header }, ttlMs: DECISION_TTL_MS }, session.signing))
      await network.announce(announcement).catch(() => undefined)
      failpoint('publish.after-announce', { address })
    }
    await this.peer.audit.append('decision_published', { address, type: input.type, audience: input.audience, replicas }, session.memberId)
    this.peer.events.emit('decision.published', { header, title: content.title, local: true })
    return { address, replicas, header }
  }

  private logPutRunning = false
  private logPutPending: { head: SignedRecord | undefined; pages: SignedRecord[] } = { head: undefined, pages: [] }

  private queueLogPut(network: DecisionNetwork, records: SignedRecord[]): void {
    for (const r of records) {
      const parsed = parseRecordKey(r.key)
      if (parsed?.type === 'log' && parsed.page === undefined) this.logPutPending.head = r
      else this.logPutPending.pages.push(r) // a full page: written once, never dropped
    }
    if (this.logPutRunning) return
    this.logPutRunning = true
    void (async () => {
      while (this.logPutPending.head !== undefined || this.logPutPending.pages.length > 0) {
        const batch = [...this.logPutPending.pages, ...(this.logPutPending.head === undefined ? [] : [this.logPutPending.head])]
        this.logPutPending = { head: undefined, pages: [] }
        await Promise.all(batch.map((r) => network.put(r.key, r.bytes, { target: this.settings.replicas, timeoutMs: this.settings.putTimeoutMs }).catch(() => undefined)))
        failpoint('publish.after-log-put', { records: batch.length })
      }
      this.logPutRunning = false
    })()
  }

  private serialized<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.localQueue.then(fn, fn)
    this.localQueue = run.catch(() => undefined)
    return run
  }

  // -- retrieve -----------------------------------------------------------------------------------------------

  async get(address: string): Promise<Decision> {
    const session = this.peer.session
    const cached = this.cache.get(address)
    if (cached !== undefined) return { ...cached, supersededBy: this.index.supersededBy(address) }
    const env = await this.loadRecord(address)
    if (env === undefined) {
      this.stats.retrieveFailed++
      throw new BzzzError('not_found', `no decision at ${address}: neither this peer nor the DHT holds it`)
    }
    const header = env.payload.header
    const may = mayRead(session.role, header.audience)
    if (!may.allowed) {
      await this.peer.audit.append('read_denied', { address, audience: header.audience }, session.memberId)
      throw new BzzzError('forbidden', may.reason)
    }
    const content = await this.open(env.payload)
    if (content === undefined) {
      await this.peer.audit.append('read_denied', { address, audience: header.audience, reason: 'no key' }, session.memberId)
      throw new BzzzError('forbidden', `none of your keys opens ${address}; it was sealed with a ${header.audience} key you do not hold (was your key rotated? ask your admin)`)
    }
    const decision: Decision = { header, content, signature: { valid: true, signer: env.author, keyId: env.keyId }, supersededBy: this.index.supersededBy(address) }
    this.cache.set(address, decision)
    this.search.set(address, content)
    this.stats.retrieved++
    return decision
  }

  /** The verified record for an address: local store first, then the DHT (which also fills the local store). */
  async loadRecord(address: string): Promise<Envelope<DecisionRecord> | undefined> {
    const net = this.peer.session.networkId
    const key = decisionKey(net, address)
    const local = await this.records.get(key)
    if (local !== undefined) return this.validator.decision(decodeEnvelope(local), key)
    return this.fetchRecord(address)
  }

  /** Fetches a record from the DHT, verifies and ingests it. Concurrent fetches of one address share the work. */
  fetchRecord(address: string): Promise<Envelope<DecisionRecord> | undefined> {
    const pending = this.fetching.get(address)
    if (pending !== undefined) return pending
    const run = (async () => {
      const key = decisionKey(this.peer.roster.roster.network.id, address)
      const local = await this.records.get(key)
      if (local !== undefined) return this.validator.decision(decodeEnvelope(local), key)
      const network = this.network
      if (network === undefined) return undefined
      const bytes = await network.get(key, { timeoutMs: this.settings.getTimeoutMs })
      if (bytes === undefined) return undefined
      const env = this.validator.decision(decodeEnvelope(bytes), key)
      await this.ingest(env, bytes)
      return env
    })().finally(() => this.fetching.delete(address))
    this.fetching.set(address, run)
    return run
  }

  private async open(record: DecisionRecord): Promise<DecisionContent | undefined> {
    const session = this.peer.session
    const opened = await ageDecrypt(fromBase64(record.sealed), session.decryptionIdentities())
    if (opened === null) return undefined
    const parsed = contentSchema.safeParse(JSON.parse(utf8.decode(opened.plaintext)))
    if (!parsed.success) throw new RecordError('malformed', `the sealed content of ${record.header.address} is not a decision`)
    return parsed.data
  }

  // -- ingest (gossip, catch-up, DHT reads) -------------------------------------------------------------------

  /** Stores a verified record and indexes it; returns true when it was new. */
  async ingest(env: Envelope<DecisionRecord>, bytes: Uint8Array): Promise<boolean> {
    const header = env.payload.header
    const key = decisionKey(env.net, header.address)
    // A new header and its record go in one batch, so the index never lists a record a kill kept from the disk.
    const recordWrite = (await this.records.has(key)) ? [] : [this.records.write(key, bytes)]
    const fresh = await this.index.add(header, recordWrite)
    if (!fresh && recordWrite.length > 0) await this.records.put(key, bytes)
    this.stats.ingested += fresh ? 1 : 0
    let title: string | undefined
    const session = this.peer.sessionOrUndefined
    if (session !== undefined && mayRead(session.role, header.audience).allowed && !this.search.has(header.address)) {
      const content = await this.open(env.payload).catch(() => undefined)
      if (content !== undefined) {
        this.search.set(header.address, content)
        title = content.title
      } else this.search.markSealed(header.address)
    }
    if (fresh) this.peer.events.emit('decision.published', { header, local: false, ...(title === undefined ? {} : { title }) })
    return fresh
  }

  /** A header announced without its record (too big for gossip): index it, fetch the record in the background. */
  async ingestHeader(header: DecisionHeader): Promise<void> {
    if (await this.index.add(header)) {
      this.peer.events.emit('decision.published', { header, local: false })
      void this.fetchRecord(header.address).catch(() => undefined)
    }
  }

  // -- queries ------------------------------------------------------------------------------------------------

  /** Decrypts every readable record once per unlock, so titles, status, tags and text can be listed and searched. */
  private ensureSearch(): Promise<void> {
    if (this.searchBuilt === undefined) {
      this.searchBuilt = (async () => {
        const session = this.peer.session
        const net = session.networkId
        for (const header of [...this.index.all()]) {
          if (this.search.has(header.address) || !mayRead(session.role, header.audience).allowed) continue
          const bytes = await this.records.get(decisionKey(net, header.address))
          if (bytes === undefined) continue
          try {
            const env = this.validator.decision(decodeEnvelope(bytes))
            const content = await this.open(env.payload)
            if (content !== undefined) this.search.set(header.address, content)
            else this.search.markSealed(header.address)
          } catch {
            // a record that no longer verifies (e.g. its author was removed) is listed as locked
          }
        }
      })()
      this.searchBuilt.catch(() => {
        this.searchBuilt = undefined
      })
    }
    return this.searchBuilt
  }

  async list(args: Parameters<typeof listDecisions>[2]) {
    const session = this.peer.session
    await this.ensureSearch()
    return listDecisions(this.index, this.search, args, session.role)
  }

  /** Every version linked to this one by supersedes, oldest first. */
  async history(address: string) {
    const session = this.peer.session
    await this.ensureSearch()
    if (!this.index.has(address)) throw new BzzzError('not_found', `no decision at ${address}`)
    let first = address
    const seen = new Set([address])
    for (let h = this.index.get(first); h?.supersedes !== undefined && this.index.has(h.supersedes) && !seen.has(h.supersedes); h = this.index.get(first)) {
      first = h.supersedes
      seen.add(first)
    }
    const chain: string[] = []
    const queue = [first]
    const visited = new Set<string>()
    while (queue.length > 0) {
      const next = queue.shift()!
      if (visited.has(next)) continue
      visited.add(next)
      chain.push(next)
      queue.push(...this.index.supersededBy(next))
    }
    const all = listDecisions(this.index, this.search, { includeLocked: true, limit: 10_000 }, session.role).items
    const byAddress = new Map(all.map((i) => [i.header.address, i]))
    const versions = chain.map((a) => byAddress.get(a)).filter((v) => v !== undefined)
    versions.sort((a, b) => a.header.createdAt - b.header.createdAt)
    return { versions }
  }
}

export type { ListInput }
