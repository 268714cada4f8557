import { describe, expect, it } from 'vitest'
import { connectionsToTrim, TRIM_MIN_AGE_MS, type PeerConnections } from './connection-trim.ts'

const old = TRIM_MIN_AGE_MS + 1
const peers = (n: number, over: Partial<PeerConnections> = {}): PeerConnections[] => Array.from({ length: n }, (_, i) => ({ peerId: `p${i}`, ageMs: old, busy: false, meshes: 0, ...over }))

describe('connectionsToTrim', () => {
  it('trims nothing at or under the target', () => {
    expect(connectionsToTrim(peers(24), new Set(), 24)).toEqual([])
    expect(connectionsToTrim(peers(20), new Set())).toHaveLength(4) // the default target, 16
  })

  it('trims the excess, never a kept, busy or young peer', () => {
    const all = [...peers(30), { peerId: 'admin', ageMs: old, busy: false, meshes: 0 }, { peerId: 'busy', ageMs: old, busy: true, meshes: 0 }, { peerId: 'young', ageMs: 1_000, busy: false, meshes: 0 }]
    const cut = connectionsToTrim(all, new Set(['admin', 'p0', 'p1']), 24)
    expect(cut).toHaveLength(all.length - 24)
    expect(new Set(cut).size).toBe(cut.length)
    for (const never of ['admin', 'p0', 'p1', 'busy', 'young']) expect(cut).not.toContain(never)
  })

  it('trims peers in fewer gossip meshes first', () => {
    const all = peers(20).map((p, i) => ({ ...p, meshes: i < 10 ? 2 : i < 15 ? 1 : 0 }))
    const cut = connectionsToTrim(all, new Set(), 12)
    expect(cut).toHaveLength(8)
    for (const id of ['p15', 'p16', 'p17', 'p18', 'p19']) expect(cut).toContain(id) // in no mesh: all go
    expect(cut.filter((id) => ['p10', 'p11', 'p12', 'p13', 'p14'].includes(id))).toHaveLength(3) // then three in one mesh
  })

  it('trims fewer than the excess when not enough may go, and picks at random', () => {
    const busy = (n: number) => peers(n, { busy: true }).map((p) => ({ ...p, peerId: `b${p.peerId}` }))
    const some = connectionsToTrim([...peers(10), ...busy(20)], new Set(), 24)
    expect(some).toHaveLength(6)
    expect(some.every((id) => id.startsWith('p'))).toBe(true)
    expect(connectionsToTrim([...peers(3), ...busy(27)], new Set(), 24).sort()).toEqual(['p0', 'p1', 'p2'])
    const picks = new Set(Array.from({ length: 20 }, () => connectionsToTrim(peers(30), new Set(), 24).sort().join()))
    expect(picks.size).toBeGreaterThan(1)
  })
})
