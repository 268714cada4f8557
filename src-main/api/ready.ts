// GET /ready: readiness, for orchestrators and load balancers. /health says the process is up; /ready says this peer
// can do its work: the store is open, the network runs and reaches at least one peer (or is alone by configuration:
// no bootstrap addresses and mDNS off), and the vault is unlocked. 200 when all hold, 503 with the reasons otherwise.
//
// Public like /health (probes rarely can hold a secret): the answer carries states and a peer count only, never a
// member, peer id, address or network name.
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { NodeStatus } from '../../src-shared/network.ts'
import type { Peer } from '../core/peer.ts'
import type { ExtraRoute } from './http/server.ts'

export interface Readiness {
  ready: boolean
  checks: {
    store: { ok: boolean; state: string }
    network: { ok: boolean; state: NodeStatus['state']; connectedPeers: number; aloneByConfiguration: boolean }
    vault: { ok: boolean; state: NodeStatus['vault'] }
  }
  /** One sentence per failed check, saying what to do. */
  reasons: string[]
}

export function readiness(peer: Peer): Readiness {
  const reasons: string[] = []
  const storeState = peer.store.db.status
  const storeOk = storeState === 'open'
  if (!storeOk) reasons.push(`the store is ${storeState}`)

  const status = peer.status()
  const aloneByConfiguration = peer.config.bootstrap.length === 0 && !peer.config.mdns
  const running = peer.network !== undefined && status.state === 'running'
  const networkOk = running && (status.connectedPeers > 0 || aloneByConfiguration)
  if (!running) {
    reasons.push(
      peer.roster.envelope === undefined
        ? 'the network is not running: this peer is not in a network yet (create or join one)'
        : `the network is not running (state: ${status.state})`,
    )
  } else if (!networkOk) {
    reasons.push('no peer is connected yet (bootstrap or mDNS is configured, so this peer expects company)')
  }

  const vaultOk = peer.vaultState === 'unlocked'
  if (!vaultOk) reasons.push(peer.vaultState === 'absent' ? 'there is no vault yet: create or join a network' : 'the vault is locked: unlock it with the passphrase')

  return {
    ready: storeOk && networkOk && vaultOk,
    checks: {
      store: { ok: storeOk, state: storeState },
      network: { ok: networkOk, state: status.state, connectedPeers: status.connectedPeers, aloneByConfiguration },
      vault: { ok: vaultOk, state: peer.vaultState },
    },
    reasons,
  }
}

/** GET /ready, public (no token). */
export function readyRoute(peer: Peer): ExtraRoute {
  return {
    prefix: '/ready',
    public: true,
    handle: (req: IncomingMessage, res: ServerResponse) => {
      const [path = '', query] = (req.url ?? '/').split('?', 2)
      let status: number
      let body: unknown
      if (path !== '/ready') {
        status = 404
        body = { error: { code: 'not_found', message: `no route for ${req.method ?? 'GET'} ${path.slice(0, 200)}` } }
      } else if (req.method !== 'GET') {
        status = 405
        res.setHeader('Allow', 'GET')
        body = { error: { code: 'invalid_input', message: `${req.method ?? ''} is not allowed on /ready; use GET` } }
      } else if (query !== undefined && query.length > 0) {
        status = 400
        body = { error: { code: 'invalid_input', message: '/ready takes no query parameters' } }
      } else {
        const r = readiness(peer)
        status = r.ready ? 200 : 503
        body = r
      }
      const text = JSON.stringify(body)
      res.writeHead(status, { 'Content-Length': Buffer.byteLength(text) })
      res.end(text)
    },
  }
}
