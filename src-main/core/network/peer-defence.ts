// A peer's defence against misbehaving peers: what the gossip validators, the DHT validators and our direct protocols
// refuse is counted against the peer that sent it (misbehaviour.ts judges what counts), and a banned peer is cut off:
// the gate refuses it, its connections are aborted, gossipsub graylists it, the DHT stops routing to it, and the ban
// is logged and audited with the peer id and the offences, never what the peer sent.
import { RecordError, type RejectReason } from '../crypto/envelope.ts'
import type { Logger } from '../peer.ts'
import type { AuditLog } from '../audit/audit-log.ts'
import { countsAgainstSender, MisbehaviourTracker, offenceOfStreamError, type Ban, type MisbehaviourPolicy, type Offence } from './misbehaviour.ts'
import { OPEN_PROTOCOLS, type NetworkNode, type NodeDefence } from './node.ts'

export interface PeerDefenceDeps {
  isMember: (peerId: string) => boolean
  /** The member id of a peer, for the log and the audit entry. */
  memberOf: (peerId: string) => string | undefined
  /** The protocol open to peers that are not members yet. */
  joinProtocol: string
  /** Bytes one inbound stream of a protocol may carry, where its handler sets no frame limit (kad-dht sets none). */
  streamByteLimits?: Record<string, number>
  log: Logger
  audit: AuditLog
  policy?: Partial<MisbehaviourPolicy>
}

export class PeerDefence implements NodeDefence {
  readonly tracker: MisbehaviourTracker
  private readonly deps: PeerDefenceDeps
  private node: NetworkNode | undefined
  private readonly onBan = (ban: Ban) => this.cutOff(ban)

  constructor(deps: PeerDefenceDeps) {
    this.deps = deps
    this.tracker = new MisbehaviourTracker(deps.policy)
  }

  /** Starts enforcing bans on this node (connections of a banned peer are aborted). */
  start(node: NetworkNode): void {
    this.node = node
    this.tracker.on('ban', this.onBan)
    this.tracker.start()
  }

  stop(): void {
    this.tracker.off('ban', this.onBan)
    this.tracker.stop()
    this.node = undefined
  }

  isBanned(peerId: string): boolean {
    return this.tracker.isBanned(peerId)
  }

  admits(peerId: string, protocol: string): boolean {
    if (this.tracker.isBanned(peerId)) return false
    return this.deps.isMember(peerId) || protocol === this.deps.joinProtocol || OPEN_PROTOCOLS.includes(protocol)
  }

  maxStreamBytes(protocol: string): number | undefined {
    return this.deps.streamByteLimits?.[protocol]
  }

  routable(peerId: string): boolean {
    return this.deps.isMember(peerId) && !this.tracker.isBanned(peerId)
  }

  onStreamError(peerId: string, _protocol: string, err: Error): void {
    const offence = offenceOfStreamError(err)
    if (offence !== undefined) this.report(peerId, offence)
  }

  /** A gossip message our validator rejected, from the peer that relayed it (honest peers relay only what passed). */
  onGossipRejected(peerId: string, reason: RejectReason): void {
    if (countsAgainstSender(reason)) this.report(peerId, 'invalid_gossip')
  }

  /** A direct request the handler refused (e.g. a join request that does not decode or verify). */
  onRequestRefused(peerId: string, err: unknown): void {
    if (err instanceof RecordError && countsAgainstSender(err.reason)) this.report(peerId, 'invalid_request')
  }

  report(peerId: string, offence: Offence): void {
    // Never against ourselves: a local bug must not make the node refuse its own streams.
    if (this.node !== undefined && peerId === this.node.peerId.toString()) return
    this.tracker.report(peerId, offence)
  }

  private cutOff(ban: Ban): void {
    const member = this.deps.memberOf(ban.peerId)
    const seconds = Math.round((ban.until - ban.since) / 1000)
    // The gate refuses the peer from now on; its connections are cut once the handler that reported it has returned
    // (a ban can come from inside a stream's close event or a gossip validator).
    const node = this.node
    setImmediate(() => {
      for (const conn of node?.getConnections() ?? []) {
        if (conn.remotePeer.toString() !== ban.peerId) continue
        try {
          conn.abort(new Error('peer banned for misbehaviour'))
        } catch {
          // already closing: gone either way
        }
      }
    })
    const fields = { peer: ban.peerId, ...(member === undefined ? {} : { member }), reason: ban.reason, offences: ban.offences, seconds, repeat: ban.repeat }
    this.deps.log('warn', 'peer banned for misbehaviour', fields)
    void this.deps.audit.append('peer_banned', fields).catch((err: Error) => this.deps.log('error', 'audit of a ban failed', { peer: ban.peerId, error: err.message }))
  }
}
