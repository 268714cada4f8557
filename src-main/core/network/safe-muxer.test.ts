import { yamux } from '@chainsafe/libp2p-yamux'
import { defaultLogger } from '@libp2p/logger'
import { multiaddrConnectionPair } from '@libp2p/utils'
import { describe, expect, it } from 'vitest'
import { withSafeAbort } from './safe-muxer.ts'

/** A yamux muxer over a connection whose write side is already closing, as when a ping fails on a dying connection. */
function muxerOnClosingConnection(init: Parameters<typeof withSafeAbort>[0]) {
  const [outbound] = multiaddrConnectionPair()
  const muxer = init({ logger: defaultLogger() }).createStreamMuxer(outbound)
  void outbound.close().catch(() => undefined)
  return muxer
}

describe('withSafeAbort', () => {
  it('yamux alone throws when aborting a muxer whose connection is closing (the crash it guards against)', () => {
    const muxer = muxerOnClosingConnection(yamux())
    expect(() => muxer.abort(new Error('ping failed'))).toThrow(/Cannot write to a stream that is closing/)
  })

  it('aborts the same muxer without throwing, and the muxer ends closed', () => {
    const muxer = muxerOnClosingConnection(withSafeAbort(yamux()))
    expect(() => muxer.abort(new Error('ping failed'))).not.toThrow()
    expect(muxer.status).not.toBe('open')
  })
})
