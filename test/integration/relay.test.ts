// Reachability beyond one LAN: two members that may only reach each other through a relay (every direct connection
// between them is refused by their connection gaters) still exchange decisions.
import { multiaddr } from '@multiformats/multiaddr'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { callAs, createTestNetwork, waitFor, type TestNetwork } from '../helpers/network.ts'

let net: TestNetwork

beforeAll(async () => {
  // The admin runs as the relay; the two members also listen on /p2p-circuit (they take reservations on it).
  net = await createTestNetwork([], { settings: { relay: true } })
}, 60_000)
afterAll(() => net?.close())

describe('circuit relay v2', () => {
  it('carries decisions between peers that refuse direct connections to each other', async () => {
    const relayAddr = net.admin.network!.addresses().find((a) => a.includes('127.0.0.1'))!
    Object.assign(net.settings, { relay: false, bootstrap: [relayAddr] })
    const a = await net.add('architect', 'alice', { circuit: true })
    const b = await net.add('backend_dev', 'bob', { circuit: true })
    a.network!.gate.requireRelay(b.network!.peerId)
    b.network!.gate.requireRelay(a.network!.peerId)
    // Drop any direct connection made before the rule, then dial through the relay.
    for (const c of a.network!.node.getConnections(b.network!.node.peerId)) await c.close()
    await waitFor('alice holds a relay reservation', () => a.network!.addresses().some((x) => x.includes('/p2p-circuit')))
    const circuit = a.network!.addresses().find((x) => x.includes('/p2p-circuit'))!
    await expect(b.network!.node.dial(multiaddr(b.network!.addresses().find((x) => x.includes('127.0.0.1'))!.replace(b.network!.peerId, a.network!.peerId)))).rejects.toThrow()
    await b.network!.node.dial(multiaddr(circuit))
    await waitFor('a relayed connection between alice and bob', () => b.peers().some((p) => p.peerId === a.network!.peerId && p.relayed))
    expect(b.peers().find((p) => p.peerId === a.network!.peerId)?.relayed).toBe(true)

    const out = await callAs(a, 'decisions.publish', { type: 'decision', title: 'Through the relay', audience: 'backend_dev', project: 'net', task: 'relay' })
    await waitFor('bob receives it', () => b.index.has(out.address))
    expect((await callAs(b, 'decisions.get', { address: out.address })).content.title).toBe('Through the relay')
    // No direct connection ever formed between them.
    expect(a.network!.node.getConnections(b.network!.node.peerId).every((c) => c.remoteAddr.toString().includes('/p2p-circuit'))).toBe(true)
  })
})
