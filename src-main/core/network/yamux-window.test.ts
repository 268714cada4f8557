import { StreamState, YamuxStream } from '@chainsafe/libp2p-yamux/stream'
import { defaultLogger } from '@libp2p/logger'
import { Uint8ArrayList } from 'uint8arraylist'
import { describe, expect, it } from 'vitest'
import { halfWindowUpdates } from './yamux-window.ts'

const WINDOW = 256 * 1024
// Frame types and flags of the yamux spec: 0 data, 1 window update; flag 2 = ACK.
const dataFrame = (length: number) => ({ header: { type: 0, flag: 0, streamID: 1, length, version: 0 }, data: new Uint8ArrayList(new Uint8Array(length)) })

function stream(state: StreamState) {
  const frames: { type: number; flag: number; length: number }[] = []
  const s = new YamuxStream({
    id: '1',
    streamId: 1,
    direction: 'inbound',
    log: defaultLogger().forComponent('test'),
    state,
    getRTT: () => -1,
    sendFrame: (header: { type: number; flag: number; length: number }) => {
      frames.push({ type: header.type, flag: header.flag, length: header.length })
      return true
    },
  } as unknown as ConstructorParameters<typeof YamuxStream>[0])
  return { s: s as unknown as { handleData(f: unknown): void }, updates: () => frames.filter((f) => f.type === 1) }
}

describe('halfWindowUpdates', () => {
  halfWindowUpdates()
  halfWindowUpdates() // idempotent

  it('sends one window update per half window received, restoring the whole window', () => {
    const { s, updates } = stream(StreamState.Established)
    for (let i = 0; i < 100; i++) s.handleData(dataFrame(1000)) // 100 KB: under half the window
    expect(updates()).toEqual([])
    for (let i = 0; i < 100; i++) s.handleData(dataFrame(1000)) // past half: one update
    expect(updates()).toHaveLength(1)
    expect(updates()[0]!.length).toBeGreaterThan(WINDOW / 2)
    for (let i = 0; i < 1000; i++) s.handleData(dataFrame(1000)) // 1 MB more, never exceeding the window
    expect(updates().length).toBeLessThan(10)
  })

  it('still acknowledges a new stream with its first update', () => {
    const { s, updates } = stream(StreamState.SYNReceived)
    s.handleData(dataFrame(10))
    expect(updates()).toHaveLength(1)
    expect(updates()[0]!.flag & 2).toBe(2)
  })
})
