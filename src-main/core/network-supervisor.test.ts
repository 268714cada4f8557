import { describe, expect, it, vi } from 'vitest'
import type { NodeStatus } from '../../src-shared/network.ts'
import { CoreEvents } from './events.ts'
import { NetworkSupervisor } from './network-supervisor.ts'

function fakePeer(opts: { roster: boolean; failStart?: boolean }) {
  const events = new CoreEvents()
  const peer = {
    events,
    roster: { envelope: opts.roster ? {} : undefined } as { envelope: unknown },
    network: undefined as unknown,
    start: vi.fn(async () => {
      if (opts.failStart) throw new Error('EADDRINUSE')
      peer.network = {}
      return peer.network
    }),
    stop: vi.fn(async () => {
      peer.network = undefined
      status('stopped')
    }),
  }
  const status = (state: NodeStatus['state']) =>
    events.emit('node.status', { version: '0', state, vault: 'unlocked', listenAddrs: [], connectedPeers: 0, term: 0 })
  return { peer, status }
}

const log = vi.fn()

describe('network supervisor', () => {
  it('starts a peer that is in a network at once, and rejects when that fails', async () => {
    const { peer } = fakePeer({ roster: true })
    await new NetworkSupervisor(peer, log).begin()
    expect(peer.start).toHaveBeenCalledTimes(1)
    const failing = fakePeer({ roster: true, failStart: true })
    await expect(new NetworkSupervisor(failing.peer, log).begin()).rejects.toThrow(/EADDRINUSE/)
  })

  it('before onboarding waits, then starts once a network is created or joined', async () => {
    const { peer, status } = fakePeer({ roster: false })
    const s = new NetworkSupervisor(peer, log)
    await s.begin()
    status('stopped')
    expect(peer.start).not.toHaveBeenCalled()
    peer.roster.envelope = {} // network.create / network.join wrote a roster
    status('stopped')
    status('stopped')
    expect(peer.start).toHaveBeenCalledTimes(1)
  })

  it('does not undo a deliberate stop: pause, removal by the admin, shutdown', async () => {
    const { peer, status } = fakePeer({ roster: true })
    const s = new NetworkSupervisor(peer, log)
    await s.begin()
    await s.pause()
    expect(s.paused).toBe(true)
    status('stopped')
    expect(peer.start).toHaveBeenCalledTimes(1)
    await s.resume()
    expect(s.paused).toBe(false)
    expect(peer.start).toHaveBeenCalledTimes(2)
    // markRemoved stops the network: the 'stopped' status that follows must not start it again.
    await peer.stop()
    expect(peer.start).toHaveBeenCalledTimes(2)
    s.dispose()
    await s.resume()
    expect(peer.start).toHaveBeenCalledTimes(2)
  })

  it('resume before onboarding does nothing; a failed automatic start is logged', async () => {
    const { peer, status } = fakePeer({ roster: false, failStart: true })
    const s = new NetworkSupervisor(peer, log)
    await s.begin()
    await s.resume()
    expect(peer.start).not.toHaveBeenCalled()
    peer.roster.envelope = {}
    status('stopped')
    await vi.waitFor(() => expect(log).toHaveBeenCalledWith('error', 'network failed to start', { error: 'EADDRINUSE' }))
  })
})
