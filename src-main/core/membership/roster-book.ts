// Holds the newest verified roster, persisted in the store. Anything newer from the network replaces it only
// after it verifies against the network's admin key; older or equal sequence numbers are ignored.
import { EventEmitter } from 'node:events'
import { BzzzError } from '../../../src-shared/errors.ts'
import type { Envelope } from '../crypto/envelope.ts'
import type { Store, StoreWrite } from '../store/store.ts'
import { decodeRoster, encodeRoster, verifyRoster, type Roster } from './roster.ts'

export interface TrustAnchor {
  networkId: string
  networkName: string
  /** Base64 Ed25519 public key of the network admin key. */
  adminSigningKey: string
}

const TRUST_KEY = 'trust'
const ROSTER_KEY = 'roster'

export class RosterBook extends EventEmitter<{ change: [Envelope<Roster>] }> {
  private readonly store: Store
  private readonly meta
  private readonly blobs
  private anchor: TrustAnchor | undefined
  private env: Envelope<Roster> | undefined

  constructor(store: Store) {
    super()
    this.store = store
    this.meta = store.json<TrustAnchor>('meta')
    this.blobs = store.bytes('meta-bytes')
  }

  async load(): Promise<void> {
    this.anchor = await this.meta.get(TRUST_KEY)
    const bytes = await this.blobs.get(ROSTER_KEY)
    if (this.anchor !== undefined && bytes !== undefined) this.env = decodeRoster(bytes, this.anchor)
  }

  get trust(): TrustAnchor | undefined {
    return this.anchor
  }

  get envelope(): Envelope<Roster> | undefined {
    return this.env
  }

  get roster(): Roster {
    if (this.env === undefined) throw new BzzzError('unavailable', 'this peer has no roster yet; create a network or join one')
    return this.env.payload
  }

  /** Sets the trust anchor and first roster (network creation or join). */
  async initialize(anchor: TrustAnchor, env: Envelope<Roster>): Promise<void> {
    const verified = verifyRoster(env, anchor)
    await this.store.commit([
      { ns: this.meta, key: TRUST_KEY, value: anchor },
      { ns: this.blobs, key: ROSTER_KEY, value: encodeRoster(verified) },
    ])
    this.anchor = anchor
    this.env = verified
    this.emit('change', verified)
  }

  /**
   * Accepts a roster if it verifies and is newer. Returns true when it replaced the current one. `alongside` are
   * writes committed in the same batch (the roster's copy among the records, which the republisher sends out).
   */
  async accept(env: Envelope, alongside: StoreWrite[] = []): Promise<boolean> {
    if (this.anchor === undefined) throw new BzzzError('unavailable', 'no trust anchor yet')
    const verified = verifyRoster(env, this.anchor)
    if (this.env !== undefined && verified.payload.seq <= this.env.payload.seq) return false
    // The admin key was rotated (and the chain verified): trust the new key from now on. One batch with the roster,
    // so a kill never leaves a roster whose signer the stored anchor does not lead to.
    const anchor = verified.payload.admin.signingKey !== this.anchor.adminSigningKey ? { ...this.anchor, adminSigningKey: verified.payload.admin.signingKey } : this.anchor
    await this.store.commit([
      { ns: this.blobs, key: ROSTER_KEY, value: encodeRoster(verified) },
      ...(anchor === this.anchor ? [] : [{ ns: this.meta, key: TRUST_KEY, value: anchor }]),
      ...alongside,
    ])
    this.anchor = anchor
    this.env = verified
    this.emit('change', verified)
    return true
  }
}
