// Election rows: failover time (admin killed -> a new admin holding the rebuilt admin key, seated in the roster) and
// the messages an election costs, at several network sizes, on real peers (libp2p on loopback TCP, one process).
// Floors measured beside them: the election timeout itself (no failure detector can be faster than the silence it
// waits for) and 2(n-1) messages (one request and one answer per other elector, the least a vote round can cost).
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Role } from '../src-shared/roles.ts'
import type { Peer } from '../src-main/core/peer.ts'
import { createTestNetwork, isSeatedAdmin, waitFor, type TestNetwork } from '../test/helpers/network.ts'
import { percentiles } from './lib/measure.ts'
import type { Row } from './lib/report.ts'

/**
 * Small networks run with a short timeout so the run stays short; larger ones with the product's defaults (heartbeat
 * 1 s, election timeout 5 s): all their peers share one process and one core here, and with shorter timeouts the
 * leases of a healthy admin lapse while requests queue behind 24 other peers' work.
 */
function timing(n: number): { heartbeatMs: number; electionTimeoutMs: number } {
  return n < 10 ? { heartbeatMs: 150, electionTimeoutMs: 1000 } : { heartbeatMs: 1000, electionTimeoutMs: 5000 }
}

function seated(peers: Peer[]): Peer | undefined {
  return peers.find(isSeatedAdmin)
}

function roles(n: number): Exclude<Role, 'admin'>[] {
  const cycle: Exclude<Role, 'admin'>[] = ['architect', 'backend_dev', 'architect', 'backend_dev', 'observer']
  return Array.from({ length: n - 1 }, (_, i) => cycle[i % cycle.length]!)
}

/** Who leads which term, and the leader's custody recovery: what a failed failover needs to say. */
function electionState(peers: Peer[]): string {
  const terms = [...new Set(peers.map((p) => `${p.election?.leader ?? 'none'}@${p.election?.term ?? '?'}`))]
  const leader = peers.find((p) => p.election?.isLeader)
  const custody = leader?.custody?.status()
  const recovery = custody?.recovery === undefined ? 'no recovery' : `recovery ${custody.recovery.state}, ${custody.recovery.received}/${custody.recovery.needed} shares`
  const online = custody?.custodians.map((c) => `${c.memberId}${c.online ? '' : ' (offline)'}`).join(', ')
  return `followed: ${terms.join(', ')}; leader ${leader?.session.memberId ?? 'none'}: ${recovery}; custodians of epoch ${custody?.epoch ?? '?'}: ${online ?? '?'}`
}

/** Kills the sitting admin and measures until every live peer follows a new admin that holds the key. */
async function failover(net: TestNetwork, live: Peer[]): Promise<{ ms: number; messages: number; winner: Peer }> {
  const admin = seated(live)!
  const rest = live.filter((p) => p !== admin)
  const before = rest.reduce((n, p) => n + (p.election?.stats.electionMessages ?? 0), 0)
  const t0 = performance.now()
  await admin.close()
  await waitFor('a new admin holding the key', () => seated(rest) !== undefined, 30_000, 10).catch((err: Error) => {
    throw new Error(`${err.message} after ${admin.session.memberId} was killed; ${electionState(rest)}`)
  })
  const winner = seated(rest)!
  const ms = performance.now() - t0
  await waitFor('followers agree', () => rest.every((p) => p.election?.leader === winner.session.memberId), 30_000, 20)
  const messages = rest.reduce((n, p) => n + (p.election?.stats.electionMessages ?? 0), 0) - before
  return { ms, messages, winner }
}

export async function electionRows(sizes = [5, 25]): Promise<Row[]> {
  const rows: Row[] = []
  for (const n of sizes) {
    const samples: number[] = []
    const messages: number[] = []
    const t = timing(n)
    const repeats = n >= 25 ? 3 : 3
    const root = await mkdtemp(join(tmpdir(), 'bzzz-bench-election-'))
    try {
      // Small networks can lose only a minority of electors: one failover per network, several networks.
      const networks = n < 10 ? repeats : 1
      const perNetwork = n < 10 ? 1 : repeats
      for (let k = 0; k < networks; k++) {
        const net = await createTestNetwork(roles(n), { config: { election: t }, settings: { catchUpIntervalMs: 3600_000, republishIntervalMs: 3600_000 } })
        try {
          // Usually the founding admin; on a loaded machine an election may already have seated another one.
          await waitFor('everyone follows one seated admin', () => {
            const admin = seated(net.all)
            return admin !== undefined && net.all.every((p) => p.election?.leader === admin.session.memberId)
          }, 60_000)
          await waitFor('member connectivity', () => net.all.every((p) => p.network!.node.getPeers().length >= Math.min(n - 1, 8)), 60_000)
          let live = [...net.all]
          for (let f = 0; f < perNetwork; f++) {
            const r = await failover(net, live)
            samples.push(r.ms)
            messages.push(r.messages)
            live = live.filter((p) => p.network !== undefined)
          }
        } finally {
          await net.close()
        }
      }
    } finally {
      await rm(root, { recursive: true, force: true })
    }
    const p = percentiles(samples)
    rows.push({
      suite: 'election',
      operation: `failover, ${n} peers (admin killed -> new admin holding the rebuilt key), P50`,
      ours: p.p50,
      unit: 'ms',
      floor: t.electionTimeoutMs,
      floorNote: 'the election timeout: silence to wait for',
      method: `${samples.length} failovers, all peers in one process; heartbeat ${t.heartbeatMs} ms, election timeout ${t.electionTimeoutMs} ms; max ${Math.round(Math.max(...samples))} ms; goal < 2x timeout`,
    })
    rows.push({
      suite: 'election',
      operation: `messages per election, ${n} peers`,
      ours: percentiles(messages).p50,
      unit: 'msgs',
      seedNote: 'seeds: O(n), no figure',
      floor: 2 * (n - 1),
      floorNote: '2(n-1): one request and one answer per other elector',
      method: 'pre-vote and vote requests with their answers, and the certificate, summed over all peers; median of the failovers',
    })
  }
  return rows
}
