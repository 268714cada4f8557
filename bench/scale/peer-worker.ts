// One worker thread of the in-process scale network: it hosts some of the peers (full peers, each with its own data
// directory, LevelDB, vault and libp2p node on loopback TCP) and answers the main thread's requests about them.
// Peers of different workers talk over loopback TCP like any others; see in-process.ts for why workers at all.
import { join } from 'node:path'
import { parentPort, workerData } from 'node:worker_threads'
import type { Role } from '../../src-shared/roles.ts'
import type { Peer } from '../../src-main/core/peer.ts'
import { decisionKey, keyBytes } from '../../src-main/core/records/keys.ts'
import { callAs, isSeatedAdmin, listenAddr, openPeer, PASSPHRASE, testSettings } from '../../test/helpers/network.ts'
import { settledMemory } from '../lib/memory.ts'
import type { ScalePeer } from './scenario.ts'

export interface WorkerInit {
  root: string
  config: { election: { heartbeatMs: number; electionTimeoutMs: number } }
}

/** Requests of the main thread, by name: arguments and result. */
export interface WorkerCalls {
  createNetwork: { args: { name: string }; result: number }
  /** An invite from the seated admin if this worker hosts it, with the addresses to bootstrap from. */
  invite: { args: { role: Exclude<Role, 'admin'> }; result: { code: string; bootstrap: string[] } | null }
  join: { args: { name: string; role: Exclude<Role, 'admin'>; invite: string; bootstrap: string[] }; result: number }
  publish: { args: { peer: number; input: Parameters<ScalePeer['publish']>[0] }; result: { address: string; replicas: number } }
  catchUp: { args: { peer: number }; result: null }
  dhtGet: { args: { peer: number; address: string }; result: { ms: number; found: boolean; rpcs: number } }
  electionView: { args: { peer: number }; result: Awaited<ReturnType<ScalePeer['electionView']>> }
  kill: { args: { peer: number }; result: null }
  /** Per peer: roster seq and whether it has a gossip mesh peer for decisions. */
  state: { args: Record<string, never>; result: { seq: number; meshed: boolean }[] }
  memory: { args: Record<string, never>; result: { js: number } }
  close: { args: Record<string, never>; result: null }
}
export type WorkerRequest = { [K in keyof WorkerCalls]: { id: number; call: K; args: WorkerCalls[K]['args'] } }[keyof WorkerCalls]
export type WorkerEvent = { type: 'arrival'; peer: number; address: string; at: number } | { type: 'leader'; peer: number; term: number; admin: string }

const init = workerData as WorkerInit
const port = parentPort!
const peers: Peer[] = []
const settings = { ...testSettings(listenAddr('tcp')), catchUpIntervalMs: 3600_000, republishIntervalMs: 3600_000 }

function watch(peer: Peer, index: number): void {
  peer.events.subscribe((m) => {
    if (m.type === 'decision.published') port.postMessage({ event: { type: 'arrival', peer: index, address: m.payload.header.address, at: m.at } satisfies WorkerEvent })
    if (m.type === 'election.leader') port.postMessage({ event: { type: 'leader', peer: index, term: m.payload.term, admin: m.payload.admin } satisfies WorkerEvent })
  })
}

async function open(name: string, bootstrap: string[]): Promise<{ peer: Peer; listen: string }> {
  const listen = listenAddr('tcp')
  return { peer: await openPeer(join(init.root, name), { listen, bootstrap, config: init.config }), listen }
}

const handlers: { [K in keyof WorkerCalls]: (args: WorkerCalls[K]['args']) => Promise<WorkerCalls[K]['result']> } = {
  createNetwork: async ({ name }) => {
    const { peer, listen } = await open(name, [])
    await peer.createNetwork({ networkName: 'scalenet', memberName: name, passphrase: PASSPHRASE })
    await peer.start({ ...settings, listen: [listen], bootstrap: [] })
    watch(peer, peers.push(peer) - 1)
    return peers.length - 1
  },
  invite: async ({ role }) => {
    const host = peers.find(isSeatedAdmin)
    return host === undefined ? null : { code: host.membership.invite(role, 3600).code, bootstrap: host.network?.addresses() ?? [] }
  },
  join: async ({ name, invite, bootstrap }) => {
    const { peer, listen } = await open(name, bootstrap)
    try {
      await peer.joinNetwork({ invite, memberName: name, passphrase: PASSPHRASE })
      await peer.start({ ...settings, listen: [listen], bootstrap })
    } catch (err) {
      // Release its store and sockets: the harness retries as another member.
      await peer.close().catch(() => undefined)
      throw err
    }
    watch(peer, peers.push(peer) - 1)
    return peers.length - 1
  },
  publish: async ({ peer, input }) => callAs(peers[peer]!, 'decisions.publish', input),
  catchUp: async ({ peer }) => {
    await peers[peer]!.network?.catchUp.run('hinted')
    return null
  },
  dhtGet: async ({ peer, address }) => {
    // A raw kad-dht lookup, as the product's DHT client makes it: every event until the query ends.
    const p = peers[peer]!
    const t0 = performance.now()
    let found = false
    let rpcs = 0
    try {
      for await (const e of p.network!.node.services.dht.get(keyBytes(decisionKey(p.session.networkId, address)), { signal: AbortSignal.timeout(10_000) })) {
        if (e.name === 'VALUE') found = true
        if (e.name === 'PEER_RESPONSE') rpcs++
      }
    } catch (err) {
      // A lookup that ran out of time counts with the time it took (and whether a value had arrived by then).
      if ((err as Error).name !== 'AbortError') throw err
    }
    return { ms: performance.now() - t0, found, rpcs }
  },
  electionView: async ({ peer }) => {
    const p = peers[peer]!
    return { ...(p.election?.leader === undefined ? {} : { leader: p.election.leader }), seated: isSeatedAdmin(p), memberId: p.session.memberId }
  },
  kill: async ({ peer }) => {
    await peers[peer]!.close()
    return null
  },
  state: async () => peers.map((p) => ({ seq: p.roster.roster.seq, meshed: (p.network?.gossip.subscribers(p.network.names.topics.decisions) ?? 0) >= 1 })),
  memory: async () => ({ js: (await settledMemory()).js }),
  close: async () => {
    await Promise.all(peers.map((p) => p.close().catch(() => undefined)))
    return null
  },
}

port.on('message', (req: WorkerRequest) => {
  void (handlers[req.call] as (a: unknown) => Promise<unknown>)(req.args).then(
    (result) => port.postMessage({ id: req.id, result }),
    (err: Error) => port.postMessage({ id: req.id, error: err.message }),
  )
})
