// Who starts the network, and when: shared by the headless peer (`bzzz peer`) and the desktop app.
//
// - A peer that is already in a network (it has a roster) starts its network at once (`begin()`).
// - A peer on its first run has no roster: it serves onboarding only, and starts its network by itself as soon as
//   a network is created or joined (the first `node.status` that shows a roster).
// - It starts the network automatically at most once. Later stops are deliberate and are not undone here: the
//   desktop's "Pause", a member removed by its admin (`markRemoved`), shutdown. `resume()` starts it again.
import type { EventMessage } from '../../src-shared/contract/events.ts'
import type { Logger } from './peer.ts'

/** The part of the Peer the supervisor uses (a fake in tests). */
export interface SupervisedPeer {
  readonly events: { subscribe(listener: (message: EventMessage) => void): () => void }
  readonly roster: { readonly envelope: unknown }
  readonly network: unknown
  start(): Promise<unknown>
  stop(): Promise<void>
}

export class NetworkSupervisor {
  private readonly peer: SupervisedPeer
  private readonly log: Logger
  private unsubscribe: (() => void) | undefined
  private autoStarted = false
  private pausedFlag = false
  private disposed = false

  constructor(peer: SupervisedPeer, log: Logger) {
    this.peer = peer
    this.log = log
  }

  /** Paused by the user (the network stays down until `resume()`). */
  get paused(): boolean {
    return this.pausedFlag
  }

  /**
   * Starts watching for onboarding, and starts the network now when the peer is in one. Rejects when that start
   * fails (e.g. the listen port is in use); the peer's status then says 'error' with the reason.
   */
  async begin(): Promise<void> {
    if (this.unsubscribe !== undefined || this.disposed) return
    this.unsubscribe = this.peer.events.subscribe((message) => this.onEvent(message))
    if (this.peer.roster.envelope !== undefined) {
      this.autoStarted = true
      await this.peer.start()
    }
  }

  private onEvent(message: EventMessage): void {
    if (message.type !== 'node.status' || this.autoStarted || this.pausedFlag || this.disposed) return
    if (this.peer.network !== undefined || this.peer.roster.envelope === undefined || message.payload.state !== 'stopped') return
    // Onboarding (create or join) just gave the peer a roster: start its network.
    this.autoStarted = true
    void this.peer.start().catch((err: unknown) => this.log('error', 'network failed to start', { error: err instanceof Error ? err.message : String(err) }))
  }

  /** Stops the network and keeps it stopped (the desktop's "Pause"); the store, vault and UI keep working. */
  async pause(): Promise<void> {
    this.pausedFlag = true
    await this.peer.stop()
  }

  /** Starts the network again after a pause or a failed start; rejects when it fails again. No-op before onboarding. */
  async resume(): Promise<void> {
    this.pausedFlag = false
    if (this.disposed || this.peer.roster.envelope === undefined) return
    this.autoStarted = true
    await this.peer.start()
  }

  /** Stops watching (before shutdown, so the stop that closing causes is not answered with a start). */
  dispose(): void {
    this.disposed = true
    this.unsubscribe?.()
    this.unsubscribe = undefined
  }
}
