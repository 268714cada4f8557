// A hostile peer for tests: drives a real libp2p node (a member's own network node, whose keys it holds, or an
// outsider's bare node) to send, at a high rate, malformed, oversized, forged and replayed messages on every protocol
// a BZZZ peer speaks: every gossip topic (published, and raw garbage frames on the gossipsub stream), kad-dht
// (PUT_VALUE, GET_VALUE, ADD_PROVIDER, undecodable and oversized frames), each direct request protocol (join, vote,
// share, sync: garbage, forged, oversized, a length prefix promising more than ever comes), streams opened and left
// hanging (negotiated and raw), and many concurrent streams. It reconnects when cut off, at most every 200 ms per
// target, and counts how often that was refused.
import { randomBytes } from 'node:crypto'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { identify } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import type { Connection, Libp2p, PeerId, Stream } from '@libp2p/interface'
import { tcp } from '@libp2p/tcp'
import { lpStream } from '@libp2p/utils'
import { createLibp2p } from 'libp2p'
import { toBase64, utf8 } from '../../src-main/core/crypto/encoding.ts'
import { encodeEnvelope, signEnvelope, type Envelope } from '../../src-main/core/crypto/envelope.ts'
import { sha256Hex } from '../../src-main/core/crypto/hash.ts'
import { generateSigningKey, type SigningKeyPair } from '../../src-main/core/crypto/signing.ts'
import { newNodeId } from '../../src-main/core/decisions/ids.ts'
import { protocolNames, type NetworkNode } from '../../src-main/core/network/node.ts'
import { decisionKey, keyBytes, rosterKey } from '../../src-main/core/records/keys.ts'

/** A member's own identity, for records that verify but must still be refused (forbidden, mis-keyed). */
export interface HostileIdentity {
  memberId: string
  role: string
  signing: SigningKeyPair
}

export interface HostileOptions {
  networkId: string
  identity?: HostileIdentity
  /** Valid records that are no longer current (an old roster): replayed over gossip and the DHT. */
  replays?: { topic: 'roster'; bytes: Uint8Array }[]
}

export const CHANNELS = ['gossip', 'gossip_raw', 'kad', 'join', 'vote', 'share', 'sync', 'hang', 'raw_stream'] as const
export type Channel = (typeof CHANNELS)[number]

export interface FloodReport {
  sent: Record<Channel, number>
  /** Reconnection attempts after being cut off, and how many of them carried a stream (a dial alone can resolve
   * before the remote's gate closes the connection). */
  redials: number
  redialed: number
  /** Keys of every DHT record the flood tried to store, and every decision address it announced. */
  keys: string[]
  addresses: string[]
}

/**
 * Variants of each channel that are refused without counting against the sender, because an honest peer can send
 * them too (stale replays, records forbidden by a roster the receiver may not have yet, requests answered with a
 * refusal): a member can send these forever, and honest peers must simply absorb them.
 */
const SUBTLE_VARIANTS: Record<Channel, readonly number[]> = {
  gossip: [7],
  gossip_raw: [],
  kad: [2, 4, 5, 9],
  join: [3, 6],
  vote: [2, 3, 6],
  share: [2, 3, 6],
  sync: [2, 3, 6],
  hang: [],
  raw_stream: [],
}

const KAD_PUT = 0
const KAD_GET = 1
const KAD_ADD_PROVIDER = 2

// -- protobuf, by hand: the few kad-dht fields we need ----------------------------------------------------------

function varint(n: number): number[] {
  const out: number[] = []
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80)
    n = Math.floor(n / 128)
  }
  out.push(n)
  return out
}

function field(no: number, value: number | Uint8Array): Uint8Array {
  if (typeof value === 'number') return new Uint8Array([...varint(no << 3), ...varint(value)])
  return new Uint8Array([...varint((no << 3) | 2), ...varint(value.length), ...value])
}

function concat(...parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts))
}

function kadMessage(type: number, key?: Uint8Array, record?: Uint8Array, providers?: Uint8Array): Uint8Array {
  return concat(field(1, type), ...(key === undefined ? [] : [field(2, key)]), ...(record === undefined ? [] : [field(3, record)]), ...(providers === undefined ? [] : [field(9, providers)]))
}

function kadRecord(key: Uint8Array, value: Uint8Array): Uint8Array {
  return concat(field(1, key), field(2, value), field(5, utf8.encode(new Date().toISOString())))
}

// -- payloads ----------------------------------------------------------------------------------------------------

export class HostilePeer {
  private readonly node: Libp2p
  private readonly opts: HostileOptions
  private readonly names
  private readonly hanging: Stream[] = []
  private readonly lastDial = new Map<string, number>()
  private readonly report: FloodReport = { sent: Object.fromEntries(CHANNELS.map((c) => [c, 0])) as Record<Channel, number>, redials: 0, redialed: 0, keys: [], addresses: [] }

  constructor(node: Libp2p, opts: HostileOptions) {
    this.node = node
    this.opts = opts
    this.names = protocolNames(opts.networkId)
  }

  /** A decision record: forged (signed by a stranger's key), forbidden for the role, or genuine. */
  private decision(kind: 'forged' | 'forbidden' | 'genuine'): { key: string; address: string; bytes: Uint8Array } {
    const me = this.opts.identity ?? { memberId: 'mallory', role: 'observer', signing: generateSigningKey() }
    const sealed = new Uint8Array(randomBytes(16))
    const address = `${me.memberId}/${me.role}/flood/${kind}/${newNodeId()}`
    const type = kind === 'forbidden' ? 'architectural' : 'suggestion'
    const header = { address, type, audience: 'observer', author: me.memberId, authorRole: me.role, createdAt: Date.now(), contentHash: sha256Hex(sealed), size: sealed.length }
    const signer = kind === 'forged' ? generateSigningKey() : me.signing
    const env = signEnvelope({ kind: 'decision', net: this.opts.networkId, author: me.memberId, seq: 0, payload: { header, sealed: toBase64(sealed) }, ttlMs: 3600_000 }, signer)
    const key = decisionKey(this.opts.networkId, address)
    this.report.keys.push(key)
    this.report.addresses.push(address)
    return { key, address, bytes: encodeEnvelope(env as Envelope) }
  }

  private forgedEnvelope(kind: string, payload: unknown): Uint8Array {
    const author = this.opts.identity?.memberId ?? 'admin'
    return encodeEnvelope(signEnvelope({ kind: kind as never, net: this.opts.networkId, author, seq: Date.now(), payload, ttlMs: 60_000 }, generateSigningKey()) as Envelope)
  }

  /**
   * Something a validator must refuse, varied by i: garbage, not JSON, forged, unknown kind, forged of other kinds,
   * replayed, oversized (every third time; else forbidden), forbidden (signed by the member, not allowed its role).
   */
  private badRecord(i: number): Uint8Array {
    switch (i % 8) {
      case 0:
        return new Uint8Array(randomBytes(64 + (i % 200)))
      case 1:
        return utf8.encode(`{"v":1,"kind":"decision","garbage":${i}`)
      case 2:
        return this.decision('forged').bytes
      case 3:
        return utf8.encode(new TextDecoder().decode(this.decision('genuine').bytes).replace('"kind":"decision"', '"kind":"telepathy"'))
      case 4:
        return this.forgedEnvelope(['heartbeat', 'presence', 'roster', 'certificate'][i % 4]!, { term: 10_000 + i, peerId: this.node.peerId.toString(), addrs: [] })
      case 5:
        return this.opts.replays?.[0]?.bytes ?? this.decision('forbidden').bytes
      case 6:
        return i % 24 === 6 ? new Uint8Array(530 * 1024).fill(0x7b) : this.decision('forbidden').bytes
      default:
        return this.decision('forbidden').bytes
    }
  }

  // -- channels ------------------------------------------------------------------------------------------------

  /** A connection to the target, redialing at most every 200 ms when cut off. */
  private async connection(target: PeerId): Promise<{ conn: Connection; fresh: boolean } | undefined> {
    const open = this.node.getConnections(target).find((c) => c.status === 'open')
    if (open !== undefined) return { conn: open, fresh: false }
    const id = target.toString()
    if (Date.now() - (this.lastDial.get(id) ?? 0) < 200) return undefined
    this.lastDial.set(id, Date.now())
    this.report.redials++
    try {
      return { conn: await this.node.dial(target, { signal: AbortSignal.timeout(2_000) }), fresh: true }
    } catch {
      return undefined
    }
  }

  private async stream(target: PeerId, protocol: string): Promise<Stream | undefined> {
    const c = await this.connection(target)
    if (c === undefined) return undefined
    const stream = await c.conn.newStream(protocol, { signal: AbortSignal.timeout(2_000) }).catch(() => undefined)
    if (stream !== undefined && c.fresh) this.report.redialed++
    return stream
  }

  /** Writes one length-prefixed frame (or raw bytes), waits briefly for an answer, then closes or leaves it hanging. */
  private async send(target: PeerId, protocol: string, frame: { lp?: Uint8Array; raw?: Uint8Array; hang?: boolean }): Promise<void> {
    const stream = await this.stream(target, protocol)
    if (stream === undefined) return
    try {
      if (frame.raw !== undefined) stream.send(frame.raw)
      if (frame.lp !== undefined) await lpStream(stream, { maxDataLength: 8 * 1024 * 1024 }).write(frame.lp, { signal: AbortSignal.timeout(2_000) })
      if (frame.hang === true) {
        this.hanging.push(stream)
        return
      }
      await lpStream(stream).read({ signal: AbortSignal.timeout(500) }).catch(() => undefined)
      await stream.close({ signal: AbortSignal.timeout(500) }).catch(() => stream.abort(new Error('done')))
    } catch {
      stream.abort(new Error('hostile stream failed'))
    }
  }

  private async gossip(target: PeerId, i: number, variant: number): Promise<void> {
    const pubsub = (this.node as NetworkNode).services.pubsub as NetworkNode['services']['pubsub'] | undefined
    const topics = Object.values(this.names.topics)
    if (pubsub !== undefined) {
      // Published to every subscriber at once.
      await pubsub.publish(topics[i % topics.length]!, this.badRecord(variant)).catch(() => undefined)
      return
    }
    await this.gossipRaw(target, i)
  }

  /** Frames straight onto a gossipsub stream: not an RPC protobuf, or a length prefix over the 600 KiB limit. */
  private async gossipRaw(target: PeerId, i: number): Promise<void> {
    const frame = i % 2 === 0 ? { lp: new Uint8Array(randomBytes(200)) } : { raw: new Uint8Array([...varint(4 * 1024 * 1024), 1, 2, 3]) }
    await this.send(target, '/meshsub/1.2.0', frame)
  }

  private async kad(target: PeerId, i: number): Promise<void> {
    const net = this.opts.networkId
    let frame: { lp?: Uint8Array; raw?: Uint8Array }
    switch (i % 10) {
      case 0: {
        const d = this.decision('forged')
        frame = { lp: kadMessage(KAD_PUT, keyBytes(d.key), kadRecord(keyBytes(d.key), d.bytes)) }
        break
      }
      case 1: {
        const d = this.decision('genuine')
        const wrong = decisionKey(net, `${this.opts.identity?.memberId ?? 'mallory'}/observer/flood/wrong/${newNodeId()}`)
        this.report.keys.push(wrong)
        frame = { lp: kadMessage(KAD_PUT, keyBytes(wrong), kadRecord(keyBytes(wrong), d.bytes)) }
        break
      }
      case 2: {
        const replay = this.opts.replays?.[0]?.bytes ?? this.badRecord(i)
        frame = { lp: kadMessage(KAD_PUT, keyBytes(rosterKey(net)), kadRecord(keyBytes(rosterKey(net)), replay)) }
        break
      }
      case 3:
        frame = { lp: kadMessage(KAD_PUT, keyBytes(rosterKey(net)), kadRecord(keyBytes(rosterKey(net)), this.badRecord(i + 1))) }
        break
      case 4:
        frame = { lp: kadMessage(KAD_GET, new Uint8Array(randomBytes(40))) }
        break
      case 8:
        frame = { lp: kadMessage(KAD_GET, new Uint8Array(0)) }
        break
      case 9: {
        const d = this.decision('forbidden')
        frame = { lp: kadMessage(KAD_PUT, keyBytes(d.key), kadRecord(keyBytes(d.key), d.bytes)) }
        break
      }
      case 5: {
        const cid = new Uint8Array([0x12, 0x20, ...randomBytes(32)])
        const provider = concat(field(1, this.node.peerId.toMultihash().bytes), field(2, this.node.getMultiaddrs()[0]?.bytes ?? new Uint8Array([4, 127, 0, 0, 1])))
        frame = { lp: kadMessage(KAD_ADD_PROVIDER, cid, undefined, provider) }
        break
      }
      case 6:
        // A key field promising 127 bytes where one follows: does not decode.
        frame = { lp: new Uint8Array([0x08, 0x00, 0x12, 0x7f, 0x01]) }
        break
      default: // 7
        // kad-dht reads frames of any length: a 2 MiB frame, of which more than 1 MiB actually arrives.
        frame = { raw: concat(new Uint8Array(varint(2 * 1024 * 1024)), new Uint8Array(1100 * 1024)) }
    }
    await this.send(target, this.names.kad, frame)
  }

  private async rpc(target: PeerId, protocol: string, i: number): Promise<void> {
    const forged = toBase64(this.badRecord(2))
    switch (i % 7) {
      case 0:
        return this.send(target, protocol, { lp: new Uint8Array(randomBytes(120)) })
      case 1:
        return this.send(target, protocol, { lp: utf8.encode(`{"type":"vote_request","envelope":"${forged}"`) })
      case 2:
        return this.send(target, protocol, { lp: utf8.encode(JSON.stringify(protocol === this.names.share ? { type: 'release', envelope: forged } : { type: 'vote_request', envelope: forged })) })
      case 3:
        return this.send(target, protocol, { lp: protocol === this.names.join ? this.forgedEnvelope('join_request', { invite: 'x' }) : utf8.encode(JSON.stringify({ type: 'ack', term: 1_000_000 + i, score: 1e9 })) })
      case 4:
        // A length prefix promising 1 MiB: over every limit of ours.
        return this.send(target, protocol, { raw: new Uint8Array([...varint(1024 * 1024), 1, 2, 3]) })
      case 5:
        // Within the limit, then silence: the read deadline must end it.
        return this.send(target, protocol, { raw: new Uint8Array([...varint(40 * 1024), 1, 2, 3]), hang: true })
      default: {
        // Well-formed requests a handler answers with a refusal: a share request, a certificate, a join; on the sync
        // protocol an honest catch-up hint request, answered.
        if (protocol === this.names.sync) return this.send(target, protocol, { lp: utf8.encode(JSON.stringify({ type: 'log_counts' })) })
        const body = protocol === this.names.share ? { type: 'request', envelope: forged } : { type: 'certificate', term: i }
        return this.send(target, protocol, { lp: protocol === this.names.join ? this.forgedEnvelope('join_request', { invite: 'x' }) : utf8.encode(JSON.stringify(body)) })
      }
    }
  }

  /** A stream negotiated and never written to, or a raw yamux stream that never names a protocol. */
  private async hang(target: PeerId, i: number, raw: boolean): Promise<void> {
    if (!raw) {
      const protocols = [this.names.kad, this.names.join, this.names.vote, this.names.share, this.names.sync, '/meshsub/1.2.0']
      await this.send(target, protocols[i % protocols.length]!, { hang: true })
      return
    }
    const conn = (await this.connection(target))?.conn
    const muxer = (conn as unknown as { muxer?: { createStream(): Promise<Stream> } } | undefined)?.muxer
    const stream = await muxer?.createStream().catch(() => undefined)
    if (stream !== undefined) this.hanging.push(stream)
  }

  /** One operation on one channel; `variant` picks what is sent (see each channel), `subtle` only what is refused but not counted. */
  async attack(channel: Channel, target: PeerId, variant: number, subtle = false): Promise<void> {
    const choices = SUBTLE_VARIANTS[channel]
    const i = subtle && choices.length > 0 ? choices[variant % choices.length]! : variant
    this.report.sent[channel]++
    switch (channel) {
      case 'gossip':
        // Subtle: forbidden decisions on the decisions topic (on any other topic they are of the wrong kind).
        return this.gossip(target, subtle ? 0 : variant, subtle ? 7 : variant)
      case 'gossip_raw':
        return this.gossipRaw(target, i)
      case 'kad':
        return this.kad(target, i)
      case 'join':
        return this.rpc(target, this.names.join, i)
      case 'vote':
        return this.rpc(target, this.names.vote, i)
      case 'share':
        return this.rpc(target, this.names.share, i)
      case 'sync':
        return this.rpc(target, this.names.sync, i)
      case 'hang':
        return this.hang(target, i, false)
      case 'raw_stream':
        return this.hang(target, i, true)
    }
  }

  /**
   * Floods every target on every channel for `durationMs`, at about `ratePerSecond` operations in all (each one
   * message, frame or stream), never more than `maxInFlight` at once. Resolves with what was sent once it is over.
   */
  async flood(opts: { targets: PeerId[]; durationMs: number; ratePerSecond: number; channels?: readonly Channel[]; maxInFlight?: number; subtle?: boolean }): Promise<FloodReport> {
    const channels = (opts.channels ?? CHANNELS).filter((c) => opts.subtle !== true || SUBTLE_VARIANTS[c].length > 0)
    const maxInFlight = opts.maxInFlight ?? 256
    const end = Date.now() + opts.durationMs
    const tickMs = 20
    const perTick = Math.max(1, Math.round((opts.ratePerSecond * tickMs) / 1000))
    const inFlight = new Set<Promise<void>>()
    // Each channel walks through its own variants: the channel and the variant must not move in step.
    const variants = new Map<Channel, number>()
    let i = 0
    while (Date.now() < end) {
      for (let k = 0; k < perTick && inFlight.size < maxInFlight; k++, i++) {
        // Few gossip_raw and raw_stream operations: they replace or exhaust, they do not need volume.
        const channel = channels[i % channels.length]!
        if ((channel === 'gossip_raw' || channel === 'raw_stream') && i % 5 !== 0) continue
        const variant = variants.get(channel) ?? 0
        variants.set(channel, variant + 1)
        const p = this.attack(channel, opts.targets[i % opts.targets.length]!, variant, opts.subtle).catch(() => undefined)
        inFlight.add(p)
        void p.finally(() => inFlight.delete(p))
      }
      await new Promise((r) => setTimeout(r, tickMs))
    }
    await Promise.all(inFlight)
    return this.report
  }

  /** Aborts the streams it left hanging (the honest side must not need this to recover). */
  stop(): void {
    for (const s of this.hanging.splice(0)) s.abort(new Error('hostile peer stopped'))
  }
}

/** Asks one peer's kad-dht for the record under `key` over `protocol`: its answer, or undefined when refused. */
export async function askDht(node: Libp2p, target: PeerId, protocol: string, key: string): Promise<Uint8Array | undefined> {
  try {
    const stream = await node.dialProtocol(target, protocol, { signal: AbortSignal.timeout(3_000) })
    const lp = lpStream(stream)
    await lp.write(kadMessage(KAD_GET, keyBytes(key)), { signal: AbortSignal.timeout(3_000) })
    const reply = await lp.read({ signal: AbortSignal.timeout(3_000) })
    await stream.close().catch(() => undefined)
    return reply.subarray()
  } catch {
    return undefined
  }
}

/** A peer that is no member: its own key, TCP, noise, yamux, identify and ping (what the join host lets it use). */
export async function createOutsider(): Promise<Libp2p> {
  const node = await createLibp2p({
    privateKey: await generateKeyPair('Ed25519'),
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: { identify: identify({ protocolPrefix: 'bzzz' }), ping: ping() },
  })
  return node
}
