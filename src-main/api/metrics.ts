// Prometheus metrics of one peer (prom-client), served at GET /metrics behind the API token. Each Peer gets its own
// Registry (tests run several peers in one process). Most values are read at scrape time from counters the core
// already keeps (decisions.stats, the decision cache, gossip counters, status, roster, session); only what has no
// counter of its own is counted here: DHT operations (through the DhtClient observer), API requests (HTTP and
// WebSocket calls, labelled by contract call name, never by raw path), rate-limit refusals and dropped WebSocket
// clients. Labels carry no addresses, member names or peer ids.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'
import { ELECTION_ROLES } from '../../src-shared/governance.ts'
import type { DhtObserver } from '../core/network/dht.ts'
import type { Peer } from '../core/peer.ts'
import { VERSION } from '../core/version.ts'
import type { ExtraRoute } from './http/server.ts'

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

// Process metrics describe the process, not a peer: one registry for the whole process, merged into every peer's
// exposition. (collectDefaultMetrics starts a GC observer and an event-loop monitor per call that are never stopped,
// so it must not run once per peer.)
let processRegistry: Registry | undefined
function processMetrics(): Registry {
  if (processRegistry === undefined) {
    processRegistry = new Registry()
    collectDefaultMetrics({ register: processRegistry })
  }
  return processRegistry
}

export interface PeerMetricsOptions {
  /** Process and Node.js metrics (CPU, memory, event loop, GC, handles). Default true. */
  processMetrics?: boolean
}

export class PeerMetrics {
  readonly registry = new Registry()
  private readonly peer: Peer
  private readonly dhtOps: Counter<'op' | 'outcome'>
  private readonly dhtLatency: Histogram<'op'>
  private readonly apiRequests: Counter<'transport' | 'route' | 'status'>
  private readonly apiLatency: Histogram<'transport' | 'route'>
  private readonly rateLimited: Counter<'bucket'>
  private readonly wsDropped: Counter<'reason'>
  private wsClients: () => number = () => 0
  private readonly observer: DhtObserver
  private readonly unsubscribe: () => void
  private readonly withProcess: boolean

  constructor(peer: Peer, opts: PeerMetricsOptions = {}) {
    this.peer = peer
    const registers = [this.registry]
    this.withProcess = opts.processMetrics ?? true

    new Gauge({ name: 'bzzz_info', help: 'Always 1; the version of this peer as a label', labelNames: ['version'], registers }).set({ version: VERSION }, 1)
    new Gauge({
      name: 'bzzz_peers_connected',
      help: 'Peers this node holds a connection to',
      registers,
      collect() {
        this.set(peer.network?.node.getPeers().length ?? 0)
      },
    })
    new Gauge({
      name: 'bzzz_network_running',
      help: '1 while the libp2p node runs',
      registers,
      collect() {
        this.set(peer.network !== undefined && peer.status().state === 'running' ? 1 : 0)
      },
    })
    new Gauge({
      name: 'bzzz_vault_unlocked',
      help: '1 while the vault is unlocked (the member can read and sign)',
      registers,
      collect() {
        this.set(peer.vaultState === 'unlocked' ? 1 : 0)
      },
    })
    new Gauge({
      name: 'bzzz_roster_members',
      help: 'Members in the current roster',
      registers,
      collect() {
        this.set(peer.roster.envelope?.payload.members.length ?? 0)
      },
    })

    // -- DHT ------------------------------------------------------------------------------------------------------
    this.dhtOps = new Counter({ name: 'bzzz_dht_operations_total', help: "DHT puts and gets by outcome ('skipped': alone, no query made)", labelNames: ['op', 'outcome'], registers })
    this.dhtLatency = new Histogram({ name: 'bzzz_dht_operation_duration_seconds', help: 'Time until a DHT put reached its replicas (or its deadline) and a get settled', labelNames: ['op'], buckets: LATENCY_BUCKETS, registers })
    this.observer = (op, outcome, seconds) => {
      try {
        this.dhtOps.inc({ op, outcome })
        if (outcome !== 'skipped') this.dhtLatency.observe({ op }, seconds)
      } catch {
        // metrics never break the DHT
      }
    }

    // -- decisions, from the service's own counters ---------------------------------------------------------------
    const stats = peer.decisions.stats
    new Counter({
      name: 'bzzz_decisions_published_total',
      help: 'Decisions published from this peer, by outcome',
      labelNames: ['outcome'],
      registers,
      collect() {
        this.reset()
        this.inc({ outcome: 'ok' }, stats.published)
        this.inc({ outcome: 'failed' }, stats.publishFailed)
      },
    })
    new Counter({
      name: 'bzzz_decisions_retrieved_total',
      help: 'Decisions read and decrypted (cache misses), by outcome',
      labelNames: ['outcome'],
      registers,
      collect() {
        this.reset()
        this.inc({ outcome: 'ok' }, stats.retrieved)
        this.inc({ outcome: 'not_found' }, stats.retrieveFailed)
      },
    })
    new Counter({
      name: 'bzzz_decisions_ingested_total',
      help: 'Decisions from other peers newly stored and indexed here',
      registers,
      collect() {
        this.reset()
        this.inc(stats.ingested)
      },
    })
    const cache = peer.decisions.cache
    new Counter({
      name: 'bzzz_cache_hits_total',
      help: 'Decrypted-decision cache hits',
      registers,
      collect() {
        this.reset()
        this.inc(cache.hits)
      },
    })
    new Counter({
      name: 'bzzz_cache_misses_total',
      help: 'Decrypted-decision cache misses',
      registers,
      collect() {
        this.reset()
        this.inc(cache.misses)
      },
    })
    new Gauge({
      name: 'bzzz_cache_entries',
      help: 'Decisions in the decrypted-decision cache',
      registers,
      collect() {
        this.set(cache.size)
      },
    })

    // -- gossip ---------------------------------------------------------------------------------------------------
    new Counter({
      name: 'bzzz_gossip_messages_total',
      help: 'Gossip messages by kind: received (delivered to a handler), rejected (invalid), ignored (stale or unknown signer), published; reset when the network restarts',
      labelNames: ['kind'],
      registers,
      collect() {
        this.reset()
        const c = peer.network?.gossip.counters ?? { received: 0, rejected: 0, ignored: 0, published: 0 }
        for (const kind of ['received', 'rejected', 'ignored', 'published'] as const) this.inc({ kind }, c[kind])
      },
    })

    // -- election and custody -------------------------------------------------------------------------------------
    new Gauge({
      name: 'bzzz_election_term',
      help: 'The current election term',
      registers,
      collect() {
        this.set(peer.status().term)
      },
    })
    new Gauge({
      name: 'bzzz_election_role',
      help: "1 for this peer's role for the admin seat (follower, pre_candidate, candidate, leader)",
      labelNames: ['role'],
      registers,
      collect() {
        this.reset()
        const current = peer.election?.machine.role ?? 'follower'
        for (const role of ELECTION_ROLES) this.set({ role }, role === current ? 1 : 0)
      },
    })
    new Counter({
      name: 'bzzz_election_messages_total',
      help: 'Messages this peer sent for elections (vote requests and answers, certificates)',
      registers,
      collect() {
        this.reset()
        this.inc(peer.election?.stats.electionMessages ?? 0)
      },
    })
    new Gauge({
      name: 'bzzz_election_elections_started',
      help: 'Elections this peer started (stood as candidate after a successful pre-vote)',
      registers,
      collect() {
        this.set(peer.election?.stats.elections ?? 0)
      },
    })
    new Gauge({
      name: 'bzzz_custody_holds_share',
      help: '1 when this member holds an admin-key share (known while the vault is unlocked)',
      registers,
      collect() {
        this.set(peer.sessionOrUndefined?.share === undefined ? 0 : 1)
      },
    })
    new Gauge({
      name: 'bzzz_custody_epoch',
      help: 'The custody epoch of the current roster (0 before onboarding)',
      registers,
      collect() {
        this.set(peer.roster.envelope?.payload.custody.epoch ?? 0)
      },
    })

    // -- API ------------------------------------------------------------------------------------------------------
    this.apiRequests = new Counter({ name: 'bzzz_api_requests_total', help: "API requests by transport, route (the contract call, 'health', an extra route, or 'unmatched') and status", labelNames: ['transport', 'route', 'status'], registers })
    this.apiLatency = new Histogram({ name: 'bzzz_api_request_duration_seconds', help: 'API request duration by transport and route', labelNames: ['transport', 'route'], buckets: LATENCY_BUCKETS, registers })
    this.rateLimited = new Counter({ name: 'bzzz_api_rate_limited_total', help: 'Calls refused by the rate limiter, by bucket', labelNames: ['bucket'], registers })
    this.wsDropped = new Counter({ name: 'bzzz_ws_clients_dropped_total', help: 'WebSocket clients dropped by the server, by reason', labelNames: ['reason'], registers })
    const wsClients = (): number => this.wsClients()
    new Gauge({
      name: 'bzzz_ws_clients',
      help: 'Authenticated WebSocket clients',
      registers,
      collect() {
        this.set(wsClients())
      },
    })

    // The DHT client is recreated with every network start: attach the observer whenever the status changes.
    this.attachDht()
    this.unsubscribe = peer.events.subscribe((m) => {
      if (m.type === 'node.status') this.attachDht()
    })
  }

  private attachDht(): void {
    const dht = this.peer.network?.dht
    if (dht !== undefined && dht.observer === undefined) dht.observer = this.observer
  }

  observeRequest(transport: string, route: string, status: number, seconds: number): void {
    this.apiRequests.inc({ transport, route, status: String(status) })
    this.apiLatency.observe({ transport, route }, seconds)
  }

  observeRateLimited(bucket: string): void {
    this.rateLimited.inc({ bucket })
  }

  observeWsDropped(reason: string): void {
    this.wsDropped.inc({ reason })
  }

  /** Where the WebSocket client count comes from. */
  countWsClients(source: () => number): void {
    this.wsClients = source
  }

  /** The Prometheus text exposition of everything above. */
  text(): Promise<string> {
    return (this.withProcess ? Registry.merge([processMetrics(), this.registry]) : this.registry).metrics()
  }

  /** GET /metrics (the token is required like on every route but /health and /ready). */
  route(): ExtraRoute {
    return {
      prefix: '/metrics',
      handle: async (req: IncomingMessage, res: ServerResponse) => {
        const path = (req.url ?? '/').split('?')[0]
        if (path !== '/metrics') {
          res.statusCode = 404
          res.end(JSON.stringify({ error: { code: 'not_found', message: `no route for ${req.method ?? 'GET'} ${path?.slice(0, 200) ?? ''}` } }))
          return
        }
        if (req.method !== 'GET') {
          res.statusCode = 405
          res.setHeader('Allow', 'GET')
          res.end(JSON.stringify({ error: { code: 'invalid_input', message: `${req.method ?? ''} is not allowed on /metrics; use GET` } }))
          return
        }
        const text = await this.text()
        res.statusCode = 200
        res.setHeader('Content-Type', this.registry.contentType)
        res.end(text)
      },
    }
  }

  close(): void {
    this.unsubscribe()
    const dht = this.peer.network?.dht
    if (dht?.observer === this.observer) dht.observer = undefined
    this.registry.clear()
  }
}
