// Every inbound stream passes here before its protocol's handler (kad-dht, gossipsub, identify, ping and our direct
// protocols alike): a peer reaches only the protocols open to it (a joiner that is not a member yet reaches the join
// protocol, identify and ping, never the DHT or gossip), and a stream this peer aborts with an error is reported
// with its remote peer, so the misbehaviour tracker can judge what the handler refused.
//
// libp2p 3 has stream middleware (`libp2p.use`), but 3.3 pushes the handler onto the registered middleware array on
// every inbound stream, so the N-th stream would run the handler N times. We wrap the registrar's handle() instead,
// before the node starts and its services register their handlers.
import type { Libp2p, Stream, StreamHandler, StreamHandlerOptions } from '@libp2p/interface'

export interface InboundGuard {
  /** May this remote peer open a stream of this protocol? */
  admits(peerId: string, protocol: string): boolean
  /** This peer aborted an inbound stream with an error (the handler refused the input, or a deadline passed). */
  onStreamError(peerId: string, protocol: string, err: Error): void
  /** Bytes one inbound stream of this protocol may carry in all, for protocols whose handler sets no frame limit. */
  maxStreamBytes?(protocol: string): number | undefined
}

export class ProtocolRefusedError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ProtocolRefusedError'
  }
}

export class StreamTooLargeError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'StreamTooLargeError'
  }
}

interface HandlerRegistry {
  handle(protocol: string, handler: StreamHandler, options?: StreamHandlerOptions): Promise<void>
}

/** Must run before node.start(): handlers registered earlier are not guarded. */
export function guardInboundStreams(node: Libp2p, guard: InboundGuard): void {
  const registrar = (node as unknown as { components: { registrar: HandlerRegistry } }).components.registrar
  const handle = registrar.handle.bind(registrar)
  registrar.handle = (protocol, handler, options) => handle(protocol, guarded(protocol, handler, guard), options)
}

function guarded(protocol: string, handler: StreamHandler, guard: InboundGuard): StreamHandler {
  return (stream: Stream, connection) => {
    const remote = connection.remotePeer.toString()
    if (!guard.admits(remote, protocol)) {
      stream.abort(new ProtocolRefusedError(`${protocol} is not open to this peer`))
      return
    }
    stream.addEventListener(
      'close',
      (evt) => {
        if (evt.local === true && evt.error !== undefined) guard.onStreamError(remote, protocol, evt.error)
      },
      { once: true },
    )
    const result = handler(stream, connection)
    // Counted after the handler started reading: a 'message' listener alone would take the data from it.
    const limit = guard.maxStreamBytes?.(protocol)
    if (limit !== undefined) {
      let received = 0
      const count = (evt: { data: { byteLength: number } }) => {
        received += evt.data.byteLength
        if (received > limit) {
          stream.removeEventListener('message', count)
          stream.abort(new StreamTooLargeError(`more than ${limit} bytes on one ${protocol} stream`))
        }
      }
      stream.addEventListener('message', count)
    }
    return result
  }
}

/** Inbound streams open on this node (the test of a flood: the count returns to normal once it is over). */
export function inboundStreamCount(node: Libp2p): number {
  return node.getConnections().reduce((n, c) => n + c.streams.filter((s) => s.direction === 'inbound').length, 0)
}
