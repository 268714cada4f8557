// Tearing a connection down must never throw. libp2p's connection monitor aborts a connection whose ping failed from
// inside a promise's catch handler; when the connection's encrypted stream is already closing, yamux's abort tries to
// send a GoAway frame and throws StreamStateError synchronously, which becomes an unhandled rejection and ends the
// whole process (seen with 25 peers in one process under load; yamux 8.0.1, libp2p 3.3.11). The muxer is closed either
// way, so the error is only logged.
import type { ComponentLogger, StreamMuxer, StreamMuxerFactory } from '@libp2p/interface'

export type MuxerFactoryInit = (components: { logger: ComponentLogger }) => StreamMuxerFactory

export function withSafeAbort(init: MuxerFactoryInit): MuxerFactoryInit {
  return (components) => {
    const factory = init(components)
    const log = components.logger.forComponent('bzzz:safe-muxer')
    return {
      protocol: factory.protocol,
      createStreamMuxer: (maConn) => {
        const muxer: StreamMuxer = factory.createStreamMuxer(maConn)
        const abort = muxer.abort.bind(muxer)
        muxer.abort = (err: Error) => {
          try {
            abort(err)
          } catch (thrown) {
            log.error('connection aborted; its muxer could not say goodbye: %e', thrown)
          }
        }
        return muxer
      },
    }
  }
}
