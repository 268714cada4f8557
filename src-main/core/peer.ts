// The peer engine's composition root: one data directory, one process. It owns the lock, the store, the vault, the
// roster, the records and decision index, the audit log, the events and, once started, the network. Plain
// TypeScript: the Electron main process and the headless `bzzz peer` both run exactly this.
import { mkdir } from 'node:fs/promises'
import { resolve } from 'node:path'
import { configSchema, type Config, type ConfigInput } from '../../src-shared/config.ts'
import { BzzzError } from '../../src-shared/errors.ts'
import type { NodeStatus, PeerInfo } from '../../src-shared/network.ts'
import { AuditLog } from './audit/audit-log.ts'
import { applyRuntimeConfig, ConfigManager } from './config/manager.ts'
import { encodeEnvelope } from './crypto/envelope.ts'
import { DecisionIndex } from './decisions/decision-index.ts'
import { DecisionService } from './decisions/service.ts'
import { CoreEvents } from './events.ts'
import { failpoint } from './failpoints.ts'
import { MembershipAdmin } from './membership/admin.ts'
import { createGenesis } from './membership/genesis.ts'
import { decodeInvite } from './membership/invite.ts'
import { joinWithInvite } from './membership/join.ts'
import { reconcileAdminRotation } from './membership/admin-rotation.ts'
import { clearPendingJoin, pendingJoinKeys } from './membership/pending-join.ts'
import { RosterBook } from './membership/roster-book.ts'
import { peerIdOf } from './network/peer-key.ts'
import { NetworkRuntime, type NetworkSettings } from './network/runtime.ts'
import type { ElectionService } from './election/service.ts'
import type { CustodyService } from './custody/service.ts'
import { keysKey, rosterKey } from './records/keys.ts'
import { RecordStore } from './records/record-store.ts'
import { RecordValidator } from './records/validate.ts'
import { MemberSession } from './session.ts'
import { removeStaleTemporaries } from './store/atomic-file.ts'
import { acquireProcessLock, alive, type ProcessLock } from './store/process-lock.ts'
import { Store } from './store/store.ts'
import type { VaultContents } from './vault/contents.ts'
import { Vault } from './vault/vault.ts'
import { VERSION } from './version.ts'

export type LogLevel = 'debug' | 'info' | 'warn' | 'error'
export type Logger = (level: LogLevel, message: string, fields?: Record<string, unknown>) => void

export interface PeerOptions {
  dataDir: string
  /** How this process was started, for the lock file ("bzzz peer", "bzzz desktop"...). */
  command: string
  config?: ConfigInput
  /**
   * The environment and flag settings among `config` (they win over DIR/config.json), so that config.set can say when
   * a new file value is overridden. Default: all of `config`.
   */
  configOverrides?: ConfigInput
  logger?: Logger
}

export class Peer {
  readonly dataDir: string
  /** Settings: the effective configuration, changed at runtime through config.set. */
  readonly configManager: ConfigManager
  readonly events = new CoreEvents()
  readonly store: Store
  readonly roster: RosterBook
  readonly audit: AuditLog
  readonly records: RecordStore
  readonly index: DecisionIndex
  readonly validator: RecordValidator
  readonly decisions: DecisionService
  readonly membership: MembershipAdmin
  readonly log: Logger
  private vault: Vault | undefined
  private current: MemberSession | undefined
  private runtime: NetworkRuntime | undefined
  private state: NodeStatus['state'] = 'stopped'
  private lastError: string | undefined
  private readonly lock: ProcessLock
  private closed = false

  private constructor(opts: PeerOptions, dataDir: string, lock: ProcessLock, store: Store, vault: Vault | undefined) {
    this.dataDir = dataDir
    this.configManager = new ConfigManager({ dataDir, config: configSchema.parse(opts.config ?? {}), overrides: opts.configOverrides ?? opts.config ?? {} })
    this.log = opts.logger ?? (() => undefined)
    this.lock = lock
    this.store = store
    this.vault = vault
    this.roster = new RosterBook(store)
    this.audit = new AuditLog(store)
    this.records = new RecordStore(store)
    this.index = new DecisionIndex(store)
    this.validator = new RecordValidator({
      trust: () => this.roster.trust,
      roster: () => this.roster.envelope?.payload,
      knownLogCount: (author) => this.index.contiguousCount(author),
      knownTerm: () => this.runtime?.election?.term ?? 0,
    })
    this.decisions = new DecisionService({
      peer: this,
      records: this.records,
      index: this.index,
      validator: this.validator,
      settings: { replicas: this.config.replicas, cacheEntries: this.config.cache.entries, cacheTtlSeconds: this.config.cache.ttlSeconds, putTimeoutMs: 5_000, getTimeoutMs: 5_000 },
    })
    this.membership = new MembershipAdmin(this)
    this.configManager.onChange(() => applyRuntimeConfig(this))
  }

  /** The effective configuration (file, environment, flags, and changes made while running). */
  get config(): Config {
    return this.configManager.current
  }

  static async open(opts: PeerOptions): Promise<Peer> {
    const dataDir = resolve(opts.dataDir)
    await mkdir(dataDir, { recursive: true, mode: 0o700 })
    const lock = await acquireProcessLock(dataDir, opts.command)
    let store: Store | undefined
    try {
      const leftovers = await removeStaleTemporaries(dataDir, (pid) => alive(pid))
      store = await Store.open(dataDir)
      const vault = (await Vault.exists(dataDir)) ? await Vault.open(dataDir) : undefined
      const peer = new Peer(opts, dataDir, lock, store, vault)
      // The vault is onboarding's commit point (init, join and restore write it last): a roster without one is what a
      // kill in the middle of onboarding leaves. Ignore it, so the peer offers onboarding again instead of starting a
      // network it has no identity in.
      if (vault !== undefined) await peer.roster.load()
      await peer.index.load()
      if (vault !== undefined && peer.roster.trust === undefined) {
        throw new BzzzError('unavailable', `the vault in ${dataDir} has no roster beside it; restore the data directory from a backup`)
      }
      if (lock.staleFrom !== undefined) peer.log('warn', 'took over a lock left by a process that is gone', { pid: lock.staleFrom.pid })
      if (leftovers.length > 0) peer.log('info', 'removed temporary files of an interrupted write', { files: leftovers })
      return peer
    } catch (err) {
      await store?.close()
      await lock.release()
      throw err
    }
  }

  // -- identity and vault -------------------------------------------------------------------------------------

  get vaultState(): NodeStatus['vault'] {
    if (this.vault === undefined) return 'absent'
    return this.current === undefined ? 'locked' : 'unlocked'
  }

  /** The unlocked member; throws `locked` (or `not_found` before onboarding) otherwise. */
  get session(): MemberSession {
    if (this.current !== undefined) return this.current
    if (this.vault === undefined) throw new BzzzError('not_found', "this peer has no identity yet; create a network ('bzzz init') or join one ('bzzz join')")
    throw new BzzzError('locked', 'the vault is locked; unlock it with your passphrase')
  }

  get sessionOrUndefined(): MemberSession | undefined {
    return this.current
  }

  /** The vault for key operations of the core; never handed to a transport. */
  get vaultHandle(): Vault {
    if (this.vault === undefined) throw new BzzzError('not_found', 'no vault')
    return this.vault
  }

  async createNetwork(opts: { networkName: string; memberName: string; passphrase: string }): Promise<MemberSession> {
    if (this.vault !== undefined) throw new BzzzError('conflict', `${this.dataDir} already holds a member identity; refusing to overwrite it`)
    const genesis = await createGenesis({ ...opts, peerId: await peerIdOf(this.dataDir) })
    // The roster goes first and the vault last: the vault is the commit point, so a kill in between leaves a
    // directory that `init` may simply redo.
    await this.roster.initialize(
      { networkId: genesis.vault.network.id, networkName: genesis.vault.network.name, adminSigningKey: genesis.vault.network.admin.signingKey },
      genesis.roster,
    )
    await this.records.put(rosterKey(genesis.vault.network.id), encodeEnvelope(genesis.roster))
    await this.records.put(genesis.keyring.key, genesis.keyring.bytes)
    this.vault = await Vault.create(this.dataDir, opts.passphrase, genesis.vault)
    this.current = new MemberSession(genesis.vault)
    await this.audit.append('network_created', { network: genesis.vault.network.id, name: opts.networkName }, opts.memberName)
    this.emitStatus()
    return this.current
  }

  /** Joins with an invite: reaches the admin, receives roster and keys, writes the vault (last, as the commit). */
  async joinNetwork(opts: { invite: string; memberName: string; passphrase: string }): Promise<MemberSession> {
    if (this.vault !== undefined) throw new BzzzError('conflict', `${this.dataDir} already holds a member identity; refusing to overwrite it`)
    if (this.runtime !== undefined) throw new BzzzError('conflict', 'stop the peer before joining another network')
    const { payload: invite } = decodeInvite(opts.invite)
    // The same keys on a retry with this invite: if the admin added us but its answer was lost, it answers again.
    const member = await pendingJoinKeys(this.store, opts.passphrase, { inviteId: invite.id, name: opts.memberName })
    const joined = await joinWithInvite({ dataDir: this.dataDir, store: this.store, invite: opts.invite, memberName: opts.memberName, member })
    failpoint('join.after-reply', { member: opts.memberName })
    await this.roster.initialize({ networkId: joined.vault.network.id, networkName: joined.vault.network.name, adminSigningKey: joined.vault.network.admin.signingKey }, joined.roster)
    await this.records.put(rosterKey(joined.vault.network.id), joined.rosterBytes)
    await this.records.put(keysKey(joined.vault.network.id, joined.vault.member.id), joined.keysBytes)
    await this.store.json<typeof joined.peers>('meta').put('known-peers', joined.peers)
    failpoint('join.after-roster', { member: opts.memberName })
    this.vault = await Vault.create(this.dataDir, opts.passphrase, joined.vault)
    await clearPendingJoin(this.store)
    this.current = new MemberSession(joined.vault)
    await this.audit.append('member_added', { member: joined.vault.member.id, role: joined.vault.member.role, joined: true }, joined.vault.member.id)
    this.emitStatus()
    return this.current
  }

  async unlock(passphrase: string): Promise<MemberSession> {
    if (this.vault === undefined) return this.session // throws the onboarding hint
    if (this.current !== undefined) return this.current
    let contents
    try {
      contents = await this.vault.unlock(passphrase)
    } catch (err) {
      if (err instanceof BzzzError && err.code === 'unauthenticated') await this.audit.append('unlock_failed', { reason: 'wrong passphrase' })
      throw err
    }
    return this.openSession(contents)
  }

  /**
   * Unlocks with a key exported earlier by `vaultHandle.exportKey()` (the desktop app's remembered unlock, kept
   * encrypted by the OS keychain). A stale key (the passphrase changed) is `unauthenticated`.
   */
  async unlockWithKey(key: Uint8Array): Promise<MemberSession> {
    if (this.vault === undefined) return this.session // throws the onboarding hint
    if (this.current !== undefined) return this.current
    return this.openSession(await this.vault.unlockWithKey(key))
  }

  private async openSession(contents: VaultContents): Promise<MemberSession> {
    if (this.vault === undefined) return this.session
    const trust = this.roster.trust
    if (trust === undefined || trust.networkId !== contents.network.id) {
      this.vault.lock()
      throw new BzzzError('conflict', 'the vault and the store in this data directory belong to different networks; restore the directory from one backup')
    }
    // An admin key rotation killed before its roster: back to the secret the roster names.
    if (this.roster.envelope !== undefined && (await reconcileAdminRotation(this.vault, this.roster.roster))) contents = this.vault.contents
    this.current = new MemberSession(contents)
    this.emitStatus()
    void this.runtime?.syncKeys().catch(() => undefined)
    return this.current
  }

  lockVault(): void {
    this.vault?.lock()
    this.current = undefined
    this.decisions.forgetDecrypted()
    this.emitStatus()
  }

  /** Rebuilds the session after the vault changed underneath it (new role keys, a share). */
  refreshSession(): void {
    if (this.vault?.unlocked) {
      this.current = new MemberSession(this.vault.contents)
      this.decisions.forgetDecrypted()
    }
  }

  // -- network ------------------------------------------------------------------------------------------------

  get network(): NetworkRuntime | undefined {
    return this.runtime
  }

  get election(): ElectionService | undefined {
    return this.runtime?.election
  }

  get custody(): CustodyService | undefined {
    return this.runtime?.custody
  }

  /** Starts the libp2p node. Needs a roster (after init or join); the vault may stay locked. */
  async start(overrides: Partial<NetworkSettings> = {}): Promise<NetworkRuntime> {
    if (this.runtime !== undefined) return this.runtime
    if (this.roster.envelope === undefined) throw new BzzzError('not_found', "this peer is not in a network yet; create one ('bzzz init') or join one ('bzzz join')")
    this.state = 'starting'
    this.emitStatus()
    const c = this.config
    try {
      this.runtime = await NetworkRuntime.start(this, {
        listen: c.listen,
        bootstrap: c.bootstrap,
        mdns: c.mdns,
        relay: c.relay,
        lan: true,
        replicas: c.replicas,
        putTimeoutMs: 5_000,
        getTimeoutMs: 5_000,
        catchUpIntervalMs: c.sync.catchUpSeconds * 1000,
        fullSweepIntervalMs: c.sync.fullSweepMinutes * 60_000,
        republishIntervalMs: c.sync.republishHours * 3600_000,
        ...overrides,
      })
    } catch (err) {
      this.state = 'error'
      this.lastError = err instanceof Error ? err.message : String(err)
      this.emitStatus()
      if (err instanceof Error && /EADDRINUSE/.test(err.message)) throw new BzzzError('conflict', `a listen address is already in use (${c.listen.join(', ')}); choose another port with --listen`)
      throw err
    }
    this.state = 'running'
    this.lastError = undefined
    this.emitStatus()
    this.log('info', 'peer started', { peerId: this.runtime.peerId, addrs: this.runtime.addresses() })
    return this.runtime
  }

  async stop(): Promise<void> {
    const rt = this.runtime
    if (rt === undefined) return
    this.state = 'stopping'
    this.runtime = undefined
    await rt.stop()
    this.state = 'stopped'
    this.emitStatus()
  }

  /** The roster no longer lists this member: say so, and stop talking to the network. */
  markRemoved(): void {
    this.state = 'error'
    this.lastError = 'this member was removed from the network by its admin; ask for a new invite to rejoin'
    this.log('warn', 'removed from the network')
    this.emitStatus()
    void this.stop().then(() => {
      this.state = 'error'
      this.emitStatus()
    })
  }

  peers(): PeerInfo[] {
    return this.runtime?.peers() ?? []
  }

  status(): NodeStatus {
    const s = this.current
    const roster = this.roster.envelope?.payload
    const admin = this.runtime?.election?.leader !== undefined ? { id: this.runtime.election.leader } : roster?.members.find((m) => m.role === 'admin')
    return {
      version: VERSION,
      state: this.closed ? 'stopped' : this.runtime === undefined && this.state === 'stopped' ? 'stopped' : this.state,
      vault: this.vaultState,
      ...(s === undefined ? {} : { member: { id: s.memberId, name: s.name, role: s.role, networkId: s.networkId, networkName: s.networkName } }),
      ...(this.runtime === undefined ? {} : { peerId: this.runtime.peerId }),
      listenAddrs: this.runtime?.addresses() ?? [],
      connectedPeers: this.runtime?.node.getPeers().length ?? 0,
      ...(admin === undefined ? {} : { admin: admin.id }),
      term: this.runtime?.election?.term ?? 0,
      ...(this.lastError === undefined ? {} : { lastError: this.lastError }),
      dataDir: this.dataDir,
    }
  }

  private emitStatus(): void {
    this.events.emit('node.status', this.status())
  }

  async close(): Promise<void> {
    if (this.closed) return
    await this.stop()
    this.closed = true
    this.lockVault()
    await this.store.close()
    await this.lock.release()
  }
}
