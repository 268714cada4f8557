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

export class DhtClient {
  private readonly dht: SingleKadDHT
  private readonly controller = new AbortController()

  constructor(dht: SingleKadDHT) {
    this.dht = dht
  }

  /** Alone (nobody in the routing table), a query would only wait for its deadline: skip it. */
  private get alone(): boolean {
    return this.dht.routingTable.size === 0
  }

  put(key: string, value: Uint8Array, opts: { target: number; timeoutMs: number }): Promise<PutResult> {
    if (this.alone) return Promise.resolve({ replicas: 0, timedOut: false })
    const signal = AbortSignal.any([this.controller.signal, AbortSignal.timeout(opts.timeoutMs)])
    let replicas = 0
    let settle: ((r: PutResult) => void) | undefined
    const result = new Promise<PutResult>((resolve) => {
      settle = resolve
    })
    const finish = (timedOut: boolean) => {
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
        finish(signal.aborted)
      }
    })()
    return result
  }

  /** The best value the network holds for the key (as chosen by our selectors), or undefined. */
  async get(key: string, opts: { timeoutMs: number }): Promise<Uint8Array | undefined> {
    if (this.alone) return undefined
    const signal = AbortSignal.any([this.controller.signal, AbortSignal.timeout(opts.timeoutMs)])
    let value: Uint8Array | undefined
    try {
      for await (const event of this.dht.get(keyBytes(key), { signal })) {
        if (event.name === 'VALUE') value = event.value
      }
    } catch {
      // not found, aborted or timed out: the caller falls back to what it has
    }
    return value
  }

  stop(): void {
    this.controller.abort()
  }
}
