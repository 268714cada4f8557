// The running network of a peer: the libp2p node with its gate, DHT, gossip topics and direct protocols, wired to
// the core's services. Started by Peer.start(), stopped by Peer.stop().
import type { PeerId } from '@libp2p/interface'
import { multiaddr } from '@multiformats/multiaddr'
import { LevelDatastore } from 'datastore-level'
import type { PeerInfo } from '../../../src-shared/network.ts'
import { decodeEnvelope, RecordError } from '../crypto/envelope.ts'
import { CatchUp, type CatchUpMode } from '../decisions/catch-up.ts'
import { askLogHints, serveLogHints } from '../decisions/log-hints.ts'
import { applyKeyEnvelope, needsKeys, syncRole } from '../membership/key-sync.ts'
import { ElectionService } from '../election/service.ts'
import { CustodyService } from '../custody/service.ts'
import { memberByPeerId } from '../membership/roster.ts'
import type { Peer } from '../peer.ts'
import { keysKey, rosterKey } from '../records/keys.ts'
import { Republisher } from '../records/republisher.ts'
import { BackgroundPuts } from './background-puts.ts'
import { DhtClient } from './dht.ts'
import { MembershipGate } from './gate.ts'
import { Gossip } from './gossip.ts'
import type { MisbehaviourPolicy } from './misbehaviour.ts'
import { Connectivity } from './connectivity.ts'
import { PeerDefence } from './peer-defence.ts'
import { cachePeerRecords, type PeerRecordCache } from './peer-record-cache.ts'
import { connectedPeerIds, createNetworkNode, protocolNames, type NetworkNode } from './node.ts'
import { loadOrCreatePeerKey } from './peer-key.ts'
import { serveJoins } from './join-host.ts'
import { verifyPresence } from './presence.ts'

export interface NetworkSettings {
  listen: string[]
  bootstrap: string[]
  mdns: boolean
  relay: boolean
  /** Keep private and loopback addresses (LAN, tests). */
  lan: boolean
  replicas: number
  putTimeoutMs: number
  getTimeoutMs: number
  catchUpIntervalMs: number
  /** A periodic catch-up is a full sweep of every member's log at most this often (hinted passes between). */
  fullSweepIntervalMs?: number
  republishIntervalMs: number
  /** Thresholds of the misbehaviour tracker (tests); the defaults are in misbehaviour.ts. */
  misbehaviour?: Partial<MisbehaviourPolicy>
}

const MAX_GOSSIP_BYTES = 600 * 1024
/** Connected members a hinted catch-up asks how long each log is (one liar then hides nothing the others know). */
const CATCH_UP_HINTERS = 3
/** How long a removed member's connections stay open for the roster that removed it to reach it. */
const REMOVED_PEER_GRACE_MS = 3_000

export class NetworkRuntime {
  readonly node: NetworkNode
  readonly gate: MembershipGate
  readonly defence: PeerDefence
  readonly dht: DhtClient
  readonly gossip: Gossip
  readonly catchUp: CatchUp
  readonly republisher: Republisher
  readonly connectivity: Connectivity
  /** The admin's roster, key envelope and keyring puts, in order and outside its one-at-a-time changes. */
  readonly adminPuts: BackgroundPuts
  readonly names: ReturnType<typeof protocolNames>
  election: ElectionService | undefined
  custody: CustodyService | undefined
  private readonly peer: Peer
  private readonly settings: NetworkSettings
  private readonly timers: NodeJS.Timeout[] = []
  private memberPeers = new Set<string>()
  /** peer id -> member id, as of the last roster seen */
  private peerOwners = new Map<string, string>()
  private rosterRefresh: Promise<boolean> | undefined
  private readonly detach: (() => void)[] = []

  private readonly peerRecords: PeerRecordCache

  private constructor(peer: Peer, settings: NetworkSettings, node: NetworkNode, gate: MembershipGate, defence: PeerDefence, peerRecords: PeerRecordCache) {
    this.peerRecords = peerRecords
    this.peer = peer
    this.settings = settings
    this.node = node
    this.gate = gate
    this.defence = defence
    this.names = protocolNames(peer.roster.roster.network.id)
    this.dht = new DhtClient(node.services.dht)
    this.gossip = new Gossip(node.services.pubsub, (topic, err) => peer.log('warn', 'gossip message dropped', { topic, error: String(err) }))
    this.gossip.onRejected = (from, _topic, reason) => defence.onGossipRejected(from, reason)
    this.catchUp = new CatchUp({
      peer,
      index: peer.index,
      validator: peer.validator,
      decisions: peer.decisions,
      get: (key) => this.getRecord(key),
      hints: () => askLogHints(node, this.names.sync, this.connectedMembers().slice(0, CATCH_UP_HINTERS), settings.getTimeoutMs),
    })
    this.connectivity = new Connectivity({ peer, node, gate, gossip: this.gossip, topic: this.names.topics.presence, topics: Object.values(this.names.topics) })
    this.adminPuts = new BackgroundPuts(
      (key, bytes) => this.dht.put(key, bytes, { target: settings.replicas, timeoutMs: settings.putTimeoutMs }),
      (key, err) => peer.log('warn', 'DHT put failed', { key, error: String(err) }),
    )
    this.republisher = new Republisher(peer.records, async (key, bytes) => (await this.dht.put(key, bytes, { target: settings.replicas, timeoutMs: settings.putTimeoutMs })).replicas)
  }

  static async start(peer: Peer, settings: NetworkSettings): Promise<NetworkRuntime> {
    const roster = peer.roster.roster
    const privateKey = await loadOrCreatePeerKey(peer.dataDir)
    // The gate and the validators are created before the runtime they call back into.
    const ref: { runtime?: NetworkRuntime } = {}
    const isMember = (id: string) => ref.runtime?.memberPeers.has(id) ?? roster.members.some((m) => m.peerIds.includes(id))
    const defence = new PeerDefence({
      isMember,
      memberOf: (id) => memberByPeerId(peer.roster.roster, id)?.id,
      joinProtocol: protocolNames(roster.network.id).join,
      // One request per kad-dht stream, a record of at most 512 KiB: kad-dht itself reads frames of any length.
      streamByteLimits: { [protocolNames(roster.network.id).kad]: 1024 * 1024 },
      log: peer.log,
      audit: peer.audit,
      ...(settings.misbehaviour === undefined ? {} : { policy: settings.misbehaviour }),
    })
    const gate = new MembershipGate(
      isMember,
      // The join host (the admin) admits peers that are not members yet; they reach only the join protocol
      // (and identify and ping): the inbound guard refuses them every other protocol.
      () => peer.sessionOrUndefined?.admin !== undefined,
      (id) => peer.roster.envelope?.payload.revokedPeers.includes(id) ?? false,
      (id) => defence.isBanned(id),
    )
    const peerRecords = cachePeerRecords(new LevelDatastore(peer.store.db.sublevel('libp2p', { valueEncoding: 'view' }) as never), {
      onError: (err) => peer.log('warn', 'writing the peer store failed', { error: String(err) }),
    })
    const node = await createNetworkNode({
      networkId: roster.network.id,
      privateKey,
      listen: settings.listen,
      bootstrap: settings.bootstrap,
      mdns: settings.mdns,
      relay: settings.relay,
      datastore: peerRecords.datastore,
      connectionGater: gate.gater(),
      validators: peer.validator.kadValidators(() => ref.runtime?.refreshRoster() ?? Promise.resolve(false)),
      selectors: peer.validator.kadSelectors(),
      lan: settings.lan,
      maxMessageBytes: MAX_GOSSIP_BYTES,
      defence,
    })
    const runtime = new NetworkRuntime(peer, settings, node, gate, defence, peerRecords)
    ref.runtime = runtime
    defence.start(node)
    await node.start()
    await node.services.dht.setMode('server')
    runtime.onRoster()
    await runtime.wire()
    runtime.custody = await CustodyService.start(peer, runtime)
    runtime.election = await ElectionService.start(peer, runtime)
    const custody = runtime.custody
    runtime.election.onWon = (term, cert) => {
      void custody.recover(term, cert).catch((err: Error) => peer.log('error', 'admin key recovery failed', { term, error: err.message }))
    }
    runtime.afterStart()
    return runtime
  }

  /** Settings changed at runtime (config.set): the replica target of later puts and republishes. */
  updateSettings(s: Partial<Pick<NetworkSettings, 'replicas'>>): void {
    Object.assign(this.settings, s)
  }

  get peerId(): string {
    return this.node.peerId.toString()
  }

  /** Addresses others can dial, with our peer id. */
  addresses(): string[] {
    return this.node.getMultiaddrs().map((a) => a.toString())
  }

  private isAdminHere(): boolean {
    return this.peer.sessionOrUndefined?.admin !== undefined
  }

  private async wire(): Promise<void> {
    const { peer, node, names } = this
    this.gossip.topic(names.topics.decisions, {
      verify: (data) => {
        const env = decodeEnvelope(data)
        return env.kind === 'announcement' ? { kind: 'announcement' as const, env: peer.validator.announcement(env), data } : { kind: 'decision' as const, env: peer.validator.decision(env), data }
      },
      handle: async (v) => {
        if (v.kind === 'decision') await peer.decisions.ingest(v.env, v.data)
        else await peer.decisions.ingestHeader(v.env.payload.header)
      },
    })
    this.gossip.topic(names.topics.roster, {
      verify: (data) => ({ env: peer.validator.roster(decodeEnvelope(data)), data }),
      handle: async ({ env, data }) => {
        if (await peer.roster.accept(env)) await peer.records.put(rosterKey(env.net), data)
      },
    })

    this.gossip.topic(names.topics.presence, {
      verify: (data) => verifyPresence(data, peer.roster.roster),
      handle: (p) => this.connectivity.onPresence(p),
    })

    await serveJoins({
      node,
      protocol: names.join,
      isAdminHere: () => this.isAdminHere(),
      admit: (body, remote) => peer.membership.admit(body, remote),
      isMember: (id) => this.memberPeers.has(id),
      onRefused: (remote, err) => this.defence.onRequestRefused(remote, err),
      log: peer.log,
    })

    await serveLogHints({
      node,
      protocol: names.sync,
      counts: () => new Map(peer.roster.roster.members.map((m) => [m.id, peer.index.knownLogLength(m.id)])),
      onError: (err) => peer.log('debug', 'catch-up hint request failed', { error: String(err) }),
    })

    const onConnect = (evt: CustomEvent<PeerId>) => {
      const id = evt.detail.toString()
      const member = memberByPeerId(peer.roster.roster, id)
      peer.events.emit('peer.joined', this.peerInfo(id))
      peer.log('info', 'peer connected', { peer: id, member: member?.id })
      // Back from isolation: catch up on what was published meanwhile.
      if (connectedPeerIds(this.node).size === 1) void this.catchUpSoon()
    }
    const onDisconnect = (evt: CustomEvent<PeerId>) => {
      const id = evt.detail.toString()
      const member = memberByPeerId(peer.roster.roster, id)
      peer.events.emit('peer.left', { peerId: id, ...(member === undefined ? {} : { memberId: member.id }) })
    }
    const onDiscovery = (evt: CustomEvent<{ id: PeerId }>) => {
      const id = evt.detail.id
      if (this.gate.allowed(id.toString()) && this.memberPeers.has(id.toString()) && this.node.getConnections(id).length === 0) {
        void this.node.dial(id, { signal: AbortSignal.timeout(10_000) }).catch(() => undefined)
      }
    }
    node.addEventListener('peer:connect', onConnect)
    node.addEventListener('peer:disconnect', onDisconnect)
    node.addEventListener('peer:discovery', onDiscovery)
    const onRoster = () => this.onRoster()
    peer.roster.on('change', onRoster)
    this.detach.push(() => peer.roster.off('change', onRoster))

    peer.decisions.setTimeouts({ putTimeoutMs: this.settings.putTimeoutMs, getTimeoutMs: this.settings.getTimeoutMs })
    peer.decisions.network = {
      put: (key, bytes, opts) => this.dht.put(key, bytes, opts),
      get: (key, opts) => this.dht.get(key, opts),
      announce: async (bytes) => {
        await this.gossip.publish(names.topics.decisions, bytes)
      },
    }
    peer.membership.network = {
      addresses: () => this.addresses(),
      publishRecord: async (key, bytes, announce) => {
        void this.adminPuts.enqueue(key, bytes)
        if (announce === 'roster') await this.gossip.publish(names.topics.roster, bytes)
      },
      storeInDht: async (key, bytes, after) => {
        if (after !== undefined) await this.adminPuts.sent(after)
        await this.adminPuts.supersede(key)
        await this.dht.put(key, bytes, { target: this.settings.replicas, timeoutMs: this.settings.putTimeoutMs })
      },
      onlineMembers: () => {
        const connected = connectedPeerIds(this.node)
        return new Set(this.peer.roster.roster.members.filter((m) => m.peerIds.some((id) => connected.has(id))).map((m) => m.id))
      },
    }
  }

  /** Roster changed: refresh who may connect, drop removed members, fetch keys we are now owed. */
  private onRoster(): void {
    const roster = this.peer.roster.roster
    const before = this.peerOwners
    this.peerOwners = new Map(roster.members.flatMap((m) => m.peerIds.map((id) => [id, m.id] as const)))
    this.memberPeers = new Set(this.peerOwners.keys())
    // Peers no longer allowed lose their connections. A removed member's are cut a few seconds late: the roster that
    // removed it travels over those very connections, so it learns it and stops (cut at once, it raced the gossip and
    // often lost, running on with the old roster). Meanwhile the inbound guard refuses its streams, and the validators
    // its records. A revoked device or banned peer is cut at once.
    const removed = new Set(roster.removed)
    const removedPeers = new Set([...before].filter(([, member]) => removed.has(member)).map(([id]) => id))
    const cut = (graceful: boolean) => {
      if (this.node.status !== 'started') return
      for (const conn of this.node.getConnections()) {
        const id = conn.remotePeer.toString()
        if (!this.gate.allowed(id) && removedPeers.has(id) === graceful) void conn.close().catch(() => undefined)
      }
    }
    cut(false)
    if (removedPeers.size > 0) setTimeout(() => cut(true), REMOVED_PEER_GRACE_MS).unref()
    const self = this.peer.sessionOrUndefined?.memberId
    if (self !== undefined && roster.removed.includes(self)) {
      this.peer.markRemoved()
      return
    }
    void syncRole(this.peer)
      .catch((err: Error) => this.peer.log('warn', 'role sync failed', { error: err.message }))
      .then(() => this.syncKeysWithRetry())
  }

  /** The key envelope may still be on its way through the DHT: try a few times before leaving it to catch-up. */
  private async syncKeysWithRetry(): Promise<void> {
    for (let attempt = 0; attempt < 5 && needsKeys(this.peer); attempt++) {
      if (await this.syncKeys().catch(() => false)) return
      await new Promise((r) => setTimeout(r, 500 * 2 ** attempt).unref())
      if (this.node.status !== 'started') return
    }
  }

  /** Fetches this member's key envelope when the roster says it is owed a key or share it lacks. */
  async syncKeys(): Promise<boolean> {
    if (!needsKeys(this.peer)) return false
    const session = this.peer.session
    const key = keysKey(session.networkId, session.memberId)
    const bytes = (await this.dht.get(key, { timeoutMs: this.settings.getTimeoutMs })) ?? (await this.peer.records.get(key))
    if (bytes === undefined) return false
    try {
      const env = this.peer.validator.keyEnvelope(decodeEnvelope(bytes), key)
      await this.peer.records.put(key, bytes)
      const changed = await applyKeyEnvelope(this.peer, env)
      if (changed) this.peer.log('info', 'received new keys', { keyId: this.peer.roster.roster.roleKeys })
      return changed
    } catch (err) {
      this.peer.log('warn', 'key envelope refused', { error: String(err) })
      return false
    }
  }

  /** Someone signed with a key we do not know: maybe they joined a moment ago. Fetch the roster (debounced). */
  refreshRoster(): Promise<boolean> {
    this.rosterRefresh ??= (async () => {
      const net = this.peer.roster.roster.network.id
      const bytes = await this.dht.get(rosterKey(net), { timeoutMs: this.settings.getTimeoutMs })
      if (bytes === undefined) return false
      try {
        const accepted = await this.peer.roster.accept(decodeEnvelope(bytes))
        if (accepted) await this.peer.records.put(rosterKey(net), bytes)
        return accepted
      } catch (err) {
        if (!(err instanceof RecordError)) throw err
        return false
      }
    })().finally(() => setTimeout(() => (this.rosterRefresh = undefined), 2_000).unref())
    return this.rosterRefresh
  }

  /** A record: the DHT's best value, else our own copy. */
  async getRecord(key: string): Promise<Uint8Array | undefined> {
    return (await this.dht.get(key, { timeoutMs: this.settings.getTimeoutMs })) ?? (await this.peer.records.get(key))
  }

  private afterStart(): void {
    void this.connectivity.learnKnownPeers().then(() => this.connectivity.keepConnected())
    for (const addr of this.settings.bootstrap) {
      void this.node.dial(multiaddr(addr), { signal: AbortSignal.timeout(10_000) }).catch((err: Error) => this.peer.log('warn', 'bootstrap dial failed', { addr, error: err.message }))
    }
    // Republish what we hold once we can reach someone, then on an interval; catch up likewise.
    const every = (ms: number, fn: () => void) => {
      const t = setInterval(fn, ms)
      t.unref()
      this.timers.push(t)
    }
    // Hinted passes, and a full sweep of every member's log when the last one is fullSweepIntervalMs old (30 min). The
    // first sweep comes at a random moment of the first interval: peers started together do not sweep together, and a
    // peer that runs for less than the interval still gets a chance at one. A hinted pass nobody answered was a sweep.
    const sweepEvery = this.settings.fullSweepIntervalMs ?? 30 * 60_000
    let lastFull = Date.now() - Math.random() * sweepEvery
    every(this.settings.catchUpIntervalMs, () => {
      const full = Date.now() - lastFull >= sweepEvery
      void this.catchUpSoon(full ? 'full' : 'hinted').then((mode) => {
        if (mode === 'full') lastFull = Date.now()
      })
    })
    every(5_000, () => this.connectivity.keepConnected())
    every(30_000, () => void this.connectivity.trimConnections().catch((err: Error) => this.peer.log('debug', 'connection trim failed', { error: err.message })))
    every(30_000, () => void this.connectivity.announcePresence('periodic'))
    every(3_600_000, () => void this.rotateDueKeys())
    // Announce where we are as soon as someone listens on the presence topic.
    const onSubscription = () => void this.connectivity.announcePresence()
    this.node.services.pubsub.addEventListener('subscription-change', onSubscription)
    this.detach.push(() => this.node.services.pubsub.removeEventListener('subscription-change', onSubscription))
    every(this.settings.republishIntervalMs, () => void this.republisher.run())
    // Peers that connected to join but are still not members after a minute are dropped.
    every(15_000, () => {
      for (const conn of this.node.getConnections()) {
        if (!this.memberPeers.has(conn.remotePeer.toString()) && Date.now() - conn.timeline.open > 60_000) void conn.close().catch(() => undefined)
      }
    })
    let first = true
    const onFirst = () => {
      setTimeout(() => this.connectivity.keepConnected(), 500).unref()
      if (!first) return
      first = false
      void this.republisher.run()
      void this.catchUpSoon()
    }
    this.node.addEventListener('peer:connect', onFirst)
    this.detach.push(() => this.node.removeEventListener('peer:connect', onFirst))
  }

  /** The sitting admin rotates role keys older than the configured age (default 90 days). */
  private async rotateDueKeys(): Promise<void> {
    const session = this.peer.sessionOrUndefined
    if (session?.admin === undefined || this.election?.isLeader !== true) return
    const adminCreated = this.peer.roster.roster.admin.createdAt
    if (adminCreated !== undefined && Date.now() - adminCreated > this.peer.config.rotation.adminKeyDays * 86_400_000) {
      await this.peer.membership.rotateAdmin().catch((err: Error) => this.peer.log('warn', 'scheduled admin key rotation failed', { error: err.message }))
    }
    const maxAge = this.peer.config.rotation.roleKeyDays * 86_400_000
    for (const role of ['observer', 'backend_dev', 'architect'] as const) {
      const current = this.peer.vaultHandle.contents.roleKeys.find((k) => k.role === role && k.retiredAt === undefined)
      if (current !== undefined && Date.now() - current.createdAt > maxAge) {
        await this.peer.membership.rotate(role).catch((err: Error) => this.peer.log('warn', 'scheduled key rotation failed', { role, error: err.message }))
      }
    }
  }

  /** Members with a live connection, in random order. */
  private connectedMembers(): PeerId[] {
    return this.node
      .getPeers()
      .filter((p) => this.memberPeers.has(p.toString()))
      .sort(() => Math.random() - 0.5)
  }

  /** A catch-up pass after a short settling delay; resolves to the mode it ran in (undefined when it failed). */
  private async catchUpSoon(mode: CatchUpMode = 'hinted'): Promise<CatchUpMode | undefined> {
    try {
      // Let identify and the DHT routing table settle after a new connection.
      await new Promise((r) => setTimeout(r, 200).unref())
      await this.syncKeys()
      const r = await this.catchUp.run(mode)
      if (r.newHeaders > 0) this.peer.log('info', 'caught up', { ...r })
      return r.mode
    } catch (err) {
      this.peer.log('warn', 'catch-up failed', { error: String(err) })
      return undefined
    }
  }

  peerInfo(peerId: string): PeerInfo {
    const roster = this.peer.roster.roster
    const member = memberByPeerId(roster, peerId)
    const conns = this.node.getConnections().filter((c) => c.remotePeer.toString() === peerId)
    const conn = conns[0]
    const rtt = conn?.rtt
    return {
      peerId,
      ...(member === undefined ? {} : { memberId: member.id, name: member.name, role: member.role }),
      isAdmin: member?.role === 'admin',
      addrs: conns.map((c) => c.remoteAddr.toString()),
      ...(conn === undefined ? {} : { direction: conn.direction }),
      ...(rtt === undefined ? {} : { latencyMs: rtt }),
      relayed: conns.length > 0 && conns.every((c) => c.remoteAddr.toString().includes('/p2p-circuit')),
    }
  }

  peers(): PeerInfo[] {
    return [...new Set(this.node.getConnections().map((c) => c.remotePeer.toString()))].map((id) => this.peerInfo(id))
  }

  async stop(): Promise<void> {
    this.election?.stop()
    this.custody?.stop()
    this.defence.stop()
    for (const t of this.timers) clearInterval(t)
    this.connectivity.stop()
    for (const d of this.detach) d()
    this.dht.stop()
    this.republisher.stop()
    this.adminPuts.stop()
    this.peer.decisions.network = undefined
    this.peer.membership.network = undefined
    try {
      await this.node.stop()
    } finally {
      await this.peerRecords.stop()
    }
  }
}
