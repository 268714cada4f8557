// DHT puts and gets with a deadline. A put resolves as soon as the target number of peers has accepted the record
// (and keeps sending to the rest in the background); a get never hangs past its deadline. kad-dht can otherwise
// wait for minutes on an isolated node.
import type { SingleKadDHT } from '@libp2p/kad-dht'
import { keyBytes } from '../records/keys.ts'

export interface PutResult {
  /** Peers that stored the record (PUT_VALUE acknowledged with the same value). */
  replicas: number
  timedOut: boolean
}

/** How a DHT operation ended: 'skipped' when alone (no query was made). */
export type DhtOutcome = 'ok' | 'not_found' | 'no_replicas' | 'timeout' | 'error' | 'skipped'

/** Told about every put and get when it settles (metrics); must not throw. */
export type DhtObserver = (op: 'put' | 'get', outcome: DhtOutcome, seconds: number) => void

export class DhtClient {
  private readonly dht: SingleKadDHT
  private readonly controller = new AbortController()
  observer: DhtObserver | undefined

  constructor(dht: SingleKadDHT) {
    this.dht = dht
  }

  /** Alone (nobody in the routing table), a query would only wait for its deadline: skip it. */
  private get alone(): boolean {
    return this.dht.routingTable.size === 0
  }

  put(key: string, value: Uint8Array, opts: { target: number; timeoutMs: number }): Promise<PutResult> {
    if (this.alone) {
      this.observer?.('put', 'skipped', 0)
      return Promise.resolve({ replicas: 0, timedOut: false })
    }
    const started = performance.now()
    const signal = AbortSignal.any([this.controller.signal, AbortSignal.timeout(opts.timeoutMs)])
    let replicas = 0
    let settle: ((r: PutResult) => void) | undefined
    const result = new Promise<PutResult>((resolve) => {
      settle = resolve
    })
    const finish = (timedOut: boolean, failed = false) => {
      if (settle !== undefined) this.observer?.('put', timedOut ? 'timeout' : failed ? 'error' : replicas > 0 ? 'ok' : 'no_replicas', (performance.now() - started) / 1000)
      settle?.({ replicas, timedOut })
      settle = undefined
    }
    void (async () => {
      try {
        for await (const event of this.dht.put(keyBytes(key), value, { signal })) {
          if (event.name === 'PEER_RESPONSE' && event.messageName === 'PUT_VALUE') {
            replicas++
            if (replicas >= opts.target) finish(false)
          }
        }
        finish(false)
      } catch {
        finish(signal.aborted, !signal.aborted)
      }
    })()
    return result
  }

  /** The best value the network holds for the key (as chosen by our selectors), or undefined. */
  async get(key: string, opts: { timeoutMs: number }): Promise<Uint8Array | undefined> {
    if (this.alone) {
      this.observer?.('get', 'skipped', 0)
      return undefined
    }
    const started = performance.now()
    const signal = AbortSignal.any([this.controller.signal, AbortSignal.timeout(opts.timeoutMs)])
    let value: Uint8Array | undefined
    try {
      for await (const event of this.dht.get(keyBytes(key), { signal })) {
        if (event.name === 'VALUE') value = event.value
      }
    } catch {
      // not found, aborted or timed out: the caller falls back to what it has
    }
    this.observer?.('get', value !== undefined ? 'ok' : signal.aborted ? 'timeout' : 'not_found', (performance.now() - started) / 1000)
    return value
  }

  stop(): void {
    this.controller.abort()
  }
}
