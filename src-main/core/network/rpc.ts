// One request, one response, over a direct libp2p stream with length-prefixed frames and a deadline.
// Used for joins, votes and share releases: messages meant for one peer, not for gossip.
import type { Connection, PeerId, Stream } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import { lpStream } from '@libp2p/utils'
import { BzzzError } from '../../../src-shared/errors.ts'
import type { NetworkNode } from './node.ts'

export const RPC_MAX_BYTES = 1024 * 1024

export async function request(node: NetworkNode, target: PeerId | Multiaddr | Multiaddr[], protocol: string, body: Uint8Array, opts: { timeoutMs: number; maxBytes?: number }): Promise<Uint8Array> {
  const signal = AbortSignal.timeout(opts.timeoutMs)
  let stream: Stream
  try {
    stream = await node.dialProtocol(target, protocol, { signal })
  } catch (err) {
    throw new BzzzError('unavailable', `cannot reach the peer: ${(err as Error).message}`)
  }
  try {
    const lp = lpStream(stream, { maxDataLength: opts.maxBytes ?? RPC_MAX_BYTES })
    await lp.write(body, { signal })
    const reply = await lp.read({ signal })
    await stream.close({ signal }).catch(() => undefined)
    return reply.subarray()
  } catch (err) {
    stream.abort(err as Error)
    if (signal.aborted) throw new BzzzError('unavailable', 'the peer did not answer in time')
    throw new BzzzError('unavailable', `the peer closed the request: ${(err as Error).message}`)
  }
}

export type RpcHandler = (body: Uint8Array, remotePeer: string, connection: Connection) => Promise<Uint8Array>

/** A requester writes its request as soon as the stream opens: one that has not within this long is stalling. */
export const RPC_READ_TIMEOUT_MS = 5_000
/** Concurrent requests of one protocol from one connection; more are refused (libp2p's default is 32). */
export const RPC_MAX_INBOUND_STREAMS = 16

/**
 * Errors abort the stream, and the inbound guard (inbound-guard.ts) reports what they say about the sender: an
 * oversized frame, a request that does not decode (a handler's JSON.parse throwing), a request that never came.
 */
export async function serve(node: NetworkNode, protocol: string, handler: RpcHandler, opts: { timeoutMs: number; maxBytes?: number; onError?: (err: unknown) => void }): Promise<void> {
  await node.handle(
    protocol,
    async (stream: Stream, connection: Connection) => {
      const signal = AbortSignal.timeout(opts.timeoutMs)
      try {
        const lp = lpStream(stream, { maxDataLength: opts.maxBytes ?? RPC_MAX_BYTES })
        const body = await lp.read({ signal: AbortSignal.any([signal, AbortSignal.timeout(Math.min(opts.timeoutMs, RPC_READ_TIMEOUT_MS))]) })
        const reply = await handler(body.subarray(), connection.remotePeer.toString(), connection)
        await lp.write(reply, { signal })
        await stream.close({ signal }).catch(() => undefined)
      } catch (err) {
        opts.onError?.(err)
        stream.abort(err as Error)
      }
    },
    { runOnLimitedConnection: true, maxInboundStreams: RPC_MAX_INBOUND_STREAMS },
  )
}
