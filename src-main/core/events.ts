// Typed events from the core, shaped by the contract's event table.
import { EventEmitter } from 'node:events'
import type { EventMessage, EventName, EventPayload } from '../../src-shared/contract/events.ts'

export class CoreEvents {
  private readonly emitter = new EventEmitter({ captureRejections: false })

  constructor() {
    // Every WebSocket client and window subscribes; the bound is enforced per transport, not here.
    this.emitter.setMaxListeners(0)
  }

  emit<N extends EventName>(type: N, payload: EventPayload<N>): void {
    const message = { type, at: Date.now(), payload } as EventMessage<N>
    this.emitter.emit('event', message)
  }

  /** Subscribes to every event; returns the unsubscribe function. */
  subscribe(listener: (message: EventMessage) => void): () => void {
    this.emitter.on('event', listener)
    return () => this.emitter.off('event', listener)
  }
}
