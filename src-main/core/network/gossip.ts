// Gossip topics with validation before delivery. Each topic has a verifier (runs as the gossipsub topic validator,
// so invalid messages are rejected and their sender's score drops) and a handler for what passed. Delivery is at
// least once: handlers deduplicate by record id.
import { TopicValidatorResult, type GossipSub, type Message } from '@libp2p/gossipsub'
import type { PeerId } from '@libp2p/interface'
import { RecordError, type RejectReason } from '../crypto/envelope.ts'

export interface TopicSpec<T> {
  /** Decode and verify; throw RecordError to reject (or with reason 'stale' / 'unknown_signer' to ignore). */
  verify: (data: Uint8Array, from: string) => T | Promise<T>
  handle: (value: T, from: string) => void | Promise<void>
}

export interface GossipCounters {
  received: number
  rejected: number
  ignored: number
  published: number
}

export class Gossip {
  private readonly pubsub: GossipSub
  private readonly verified = new WeakMap<Uint8Array, unknown>()
  private readonly handlers = new Map<string, TopicSpec<unknown>>()
  readonly counters: GossipCounters = { received: 0, rejected: 0, ignored: 0, published: 0 }
  private readonly onError: (topic: string, err: unknown) => void
  /** Told about each rejected message with the peer that sent it to us (the misbehaviour tracker); must not throw. */
  onRejected: ((from: string, topic: string, reason: RejectReason) => void) | undefined

  constructor(pubsub: GossipSub, onError: (topic: string, err: unknown) => void) {
    this.pubsub = pubsub
    this.onError = onError
    this.pubsub.addEventListener('message', (evt) => void this.deliver(evt.detail))
  }

  topic<T>(topic: string, spec: TopicSpec<T>): void {
    this.handlers.set(topic, spec as TopicSpec<unknown>)
    this.pubsub.topicValidators.set(topic, async (peer: PeerId, msg: Message) => {
      try {
        const value = await spec.verify(msg.data, peer.toString())
        this.verified.set(msg.data, value)
        return TopicValidatorResult.Accept
      } catch (err) {
        if (err instanceof RecordError && (err.reason === 'stale' || err.reason === 'unknown_signer')) {
          this.counters.ignored++
          return TopicValidatorResult.Ignore
        }
        this.counters.rejected++
        if (err instanceof RecordError) this.onRejected?.(peer.toString(), topic, err.reason)
        return TopicValidatorResult.Reject
      }
    })
    this.pubsub.subscribe(topic)
  }

  private async deliver(msg: Message): Promise<void> {
    const spec = this.handlers.get(msg.topic)
    if (spec === undefined) return
    this.counters.received++
    const from = msg.type === 'signed' ? msg.from.toString() : 'unknown'
    try {
      const value = this.verified.has(msg.data) ? this.verified.get(msg.data) : await spec.verify(msg.data, from)
      await spec.handle(value, from)
    } catch (err) {
      this.onError(msg.topic, err)
    }
  }

  async publish(topic: string, data: Uint8Array): Promise<number> {
    const r = await this.pubsub.publish(topic, data)
    this.counters.published++
    return r.recipients.length
  }

  meshPeers(topic: string): string[] {
    const impl = this.pubsub as unknown as { getMeshPeers?: (t: string) => string[] }
    return impl.getMeshPeers?.(topic) ?? []
  }

  subscribers(topic: string): number {
    return this.pubsub.getSubscribers(topic).length
  }
}
