// The peer engine's composition root: one data directory, one process. It owns the lock, the store, the vault, the
// roster, the audit log and the events, and (from the network layer on) the libp2p node. Plain TypeScript: the
// Electron main process and the headless `bzzz peer` both run exactly this.
import { mkdir } from 'node:fs/promises'
import { resolve } from 'node:path'
import { BzzzError } from '../../src-shared/errors.ts'
import type { NodeStatus } from '../../src-shared/network.ts'
import { AuditLog } from './audit/audit-log.ts'
import { CoreEvents } from './events.ts'
import { createGenesis } from './membership/genesis.ts'
import { RosterBook } from './membership/roster-book.ts'
import { MemberSession } from './session.ts'
import { acquireProcessLock, type ProcessLock } from './store/process-lock.ts'
import { Store } from './store/store.ts'
import { Vault } from './vault/vault.ts'
import { VERSION } from './version.ts'

export interface PeerOptions {
  dataDir: string
  /** How this process was started, for the lock file ("bzzz peer", "electron"...). */
  command: string
}

export class Peer {
  readonly dataDir: string
  readonly events = new CoreEvents()
  readonly store: Store
  readonly roster: RosterBook
  readonly audit: AuditLog
  private vault: Vault | undefined
  private current: MemberSession | undefined
  private readonly lock: ProcessLock
  private closed = false

  private constructor(dataDir: string, lock: ProcessLock, store: Store, vault: Vault | undefined) {
    this.dataDir = dataDir
    this.lock = lock
    this.store = store
    this.vault = vault
    this.roster = new RosterBook(store)
    this.audit = new AuditLog(store)
  }

  static async open(opts: PeerOptions): Promise<Peer> {
    const dataDir = resolve(opts.dataDir)
    await mkdir(dataDir, { recursive: true, mode: 0o700 })
    const lock = await acquireProcessLock(dataDir, opts.command)
    let store: Store | undefined
    try {
      store = await Store.open(dataDir)
      const vault = (await Vault.exists(dataDir)) ? await Vault.open(dataDir) : undefined
      const peer = new Peer(dataDir, lock, store, vault)
      await peer.roster.load()
      if (vault !== undefined && peer.roster.trust === undefined) {
        throw new BzzzError('unavailable', `the vault in ${dataDir} has no roster beside it; restore the data directory from a backup`)
      }
      return peer
    } catch (err) {
      await store?.close()
      await lock.release()
      throw err
    }
  }

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

  async createNetwork(opts: { networkName: string; memberName: string; passphrase: string }): Promise<MemberSession> {
    if (this.vault !== undefined) throw new BzzzError('conflict', `${this.dataDir} already holds a member identity; refusing to overwrite it`)
    const genesis = await createGenesis(opts)
    // The roster goes first and the vault last: the vault is the commit point, so a kill in between leaves a
    // directory that `init` may simply redo.
    await this.roster.initialize(
      { networkId: genesis.vault.network.id, networkName: genesis.vault.network.name, adminSigningKey: genesis.vault.network.admin.signingKey },
      genesis.roster,
    )
    this.vault = await Vault.create(this.dataDir, opts.passphrase, genesis.vault)
    this.current = new MemberSession(genesis.vault)
    await this.audit.append('network_created', { network: genesis.vault.network.id, name: opts.networkName }, opts.memberName)
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
    const trust = this.roster.trust
    if (trust === undefined || trust.networkId !== contents.network.id || trust.adminSigningKey !== contents.network.admin.signingKey) {
      this.vault.lock()
      throw new BzzzError('conflict', 'the vault and the store in this data directory belong to different networks; restore the directory from one backup')
    }
    this.current = new MemberSession(contents)
    return this.current
  }

  lockVault(): void {
    this.vault?.lock()
    this.current = undefined
  }

  /** The vault for key operations of the core; never handed to a transport. */
  get vaultHandle(): Vault {
    if (this.vault === undefined) throw new BzzzError('not_found', 'no vault')
    return this.vault
  }

  status(): NodeStatus {
    const s = this.current
    return {
      version: VERSION,
      state: this.closed ? 'stopped' : 'running',
      vault: this.vaultState,
      ...(s === undefined ? {} : { member: { id: s.memberId, name: s.name, role: s.role, networkId: s.networkId, networkName: s.networkName } }),
      listenAddrs: [],
      connectedPeers: 0,
      term: 0,
    }
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    this.lockVault()
    await this.store.close()
    await this.lock.release()
  }
}
