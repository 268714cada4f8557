// Real networks of peers for integration tests: every peer is a full Peer with its own data directory, LevelDB and
// libp2p node on loopback TCP (or the in-memory transport). No mocks.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { CallInput, CallName, CallOutput } from '../../src-shared/contract/calls.ts'
import type { Role } from '../../src-shared/roles.ts'
import type { ConfigInput } from '../../src-shared/config.ts'
import { dispatchOrThrow } from '../../src-main/api/dispatch.ts'
import { Peer } from '../../src-main/core/peer.ts'
import type { NetworkSettings } from '../../src-main/core/network/runtime.ts'

process.env.BZZZ_SCRYPT_LOG_N ??= '12'
export const PASSPHRASE = 'correct horse battery'

export async function waitFor(what: string, cond: () => boolean | Promise<boolean>, timeoutMs = 15_000, everyMs = 50): Promise<void> {
  const end = Date.now() + timeoutMs
  for (;;) {
    if (await cond()) return
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, everyMs))
  }
}

/** The peer holds the admin seat: it leads, holds the admin key and the roster names it admin. */
export function isSeatedAdmin(p: Peer): boolean {
  return p.network !== undefined && p.election?.isLeader === true && p.sessionOrUndefined?.admin !== undefined && p.roster.roster.members.find((m) => m.id === p.session.memberId)?.role === 'admin'
}

export interface TestNetwork {
  admin: Peer
  members: Peer[]
  all: Peer[]
  dirs: Map<Peer, string>
  settings: Partial<NetworkSettings>
  /** Starts another member of a role (joined through the admin); `circuit` also listens through relays. */
  add(role: Exclude<Role, 'admin'>, name?: string, opts?: { circuit?: boolean }): Promise<Peer>
  /** Stops a peer and opens it again from its data directory (same identity), unlocked and started. */
  restart(peer: Peer): Promise<Peer>
  close(): Promise<void>
}

/** The network settings of test peers (and of the scale benchmark's in-process peers). */
export const testSettings = (listen: string): Partial<NetworkSettings> => ({
  listen: [listen],
  mdns: false,
  catchUpIntervalMs: 60_000,
  republishIntervalMs: 3600_000,
  putTimeoutMs: 4_000,
  getTimeoutMs: 4_000,
})

let memoryCounter = 0
export function listenAddr(transport: 'tcp' | 'memory'): string {
  return transport === 'tcp' ? '/ip4/127.0.0.1/tcp/0' : `/memory/bzzz-${process.pid}-${memoryCounter++}`
}

/** BZZZ_TEST_LOG=warn (or info, debug) prints the peers' logs while a test runs. */
const testLogLevel = process.env.BZZZ_TEST_LOG
const LEVELS = ['debug', 'info', 'warn', 'error']

export async function openPeer(dir: string, opts: { listen: string; bootstrap: string[]; config?: ConfigInput }): Promise<Peer> {
  const name = dir.split('/').pop()
  return Peer.open({
    dataDir: dir,
    command: 'test',
    config: { ...opts.config, mdns: false, listen: [opts.listen], bootstrap: opts.bootstrap },
    ...(testLogLevel === undefined
      ? {}
      : { logger: (level, message, fields) => (LEVELS.indexOf(level) >= LEVELS.indexOf(testLogLevel) ? console.log(`[${name}] ${level} ${message} ${JSON.stringify(fields ?? {})}`) : undefined) }),
  })
}

export async function createTestNetwork(roles: Exclude<Role, 'admin'>[], opts: { transport?: 'tcp' | 'memory'; settings?: Partial<NetworkSettings>; config?: ConfigInput; seatTimeoutMs?: number } = {}): Promise<TestNetwork> {
  const transport = opts.transport ?? 'tcp'
  const root = await mkdtemp(join(tmpdir(), 'bzzz-net-'))
  const dirs = new Map<Peer, string>()
  const listens = new Map<Peer, string>()
  let counter = 0
  const adminDir = join(root, 'admin')
  const adminListen = listenAddr(transport)
  const admin = await openPeer(adminDir, { listen: adminListen, bootstrap: [], ...(opts.config === undefined ? {} : { config: opts.config }) })
  dirs.set(admin, adminDir)
  listens.set(admin, adminListen)
  await admin.createNetwork({ networkName: 'testnet', memberName: 'admin', passphrase: PASSPHRASE })
  const settings = { ...testSettings(adminListen), ...opts.settings }
  await admin.start({ ...settings, listen: [adminListen] })
  const net: TestNetwork = {
    admin,
    members: [],
    all: [admin],
    dirs,
    settings,
    add: async (role, name, addOpts) => {
      const memberName = name ?? `${role.replace('_', '-')}-${++counter}`
      const dir = join(root, memberName)
      const listen = listenAddr(transport)
      // Invites come from whoever holds the admin seat now: a slow machine can see an election while a network forms
      // (the admin's heartbeats delayed past the timeout), and then the invite waits for the new admin to be seated.
      const seated = () => net.all.find(isSeatedAdmin)
      await waitFor('a seated admin to issue the invite', () => seated() !== undefined, opts.seatTimeoutMs ?? 30_000)
      const host = seated()!
      const bootstrap = host.network?.addresses() ?? []
      const peer = await openPeer(dir, { listen, bootstrap, ...(opts.config === undefined ? {} : { config: opts.config }) })
      dirs.set(peer, dir)
      listens.set(peer, listen)
      await peer.joinNetwork({ invite: host.membership.invite(role, 3600).code, memberName, passphrase: PASSPHRASE })
      await peer.start({ ...settings, listen: addOpts?.circuit ? [listen, '/p2p-circuit'] : [listen], bootstrap })
      net.members.push(peer)
      net.all.push(peer)
      return peer
    },
    restart: async (peer) => {
      const dir = dirs.get(peer)!
      const listen = listens.get(peer)!
      await peer.close()
      const others = net.all.filter((p) => p !== peer && p.network !== undefined).flatMap((p) => p.network!.addresses())
      const again = await openPeer(dir, { listen, bootstrap: others, ...(opts.config === undefined ? {} : { config: opts.config }) })
      await again.unlock(PASSPHRASE)
      await again.start({ ...settings, listen: [listen], bootstrap: others })
      dirs.set(again, dir)
      listens.set(again, listen)
      net.all[net.all.indexOf(peer)] = again
      if (net.admin === peer) net.admin = again
      const i = net.members.indexOf(peer)
      if (i >= 0) net.members[i] = again
      return again
    },
    close: async () => {
      await Promise.all(net.all.map((p) => p.close().catch(() => undefined)))
      await rm(root, { recursive: true, force: true })
    },
  }
  for (const role of roles) await net.add(role)
  // Everyone knows everyone's roster entry and the mesh has formed.
  const lastSeq = net.admin.roster.roster.seq
  await waitFor('rosters to converge', () => net.all.every((p) => p.roster.roster.seq === lastSeq))
  await waitFor('gossip meshes to form', () => net.all.every((p) => (p.network?.gossip.subscribers(p.network.names.topics.decisions) ?? 0) >= Math.min(1, net.all.length - 1)))
  return net
}

/** A contract call as the local member of `peer`, typed from the contract (the CLI transport). */
export function callAs<N extends CallName>(peer: Peer, name: N, input: CallInput<N>): Promise<CallOutput<N>> {
  return dispatchOrThrow(name, input, { peer, transport: 'cli' })
}

/** Deterministic partition: every connection between the two groups is refused by both gates and closed. */
export async function partition(a: Peer[], b: Peer[]): Promise<void> {
  for (const x of a) {
    for (const y of b) {
      x.network!.gate.block(y.network!.peerId)
      y.network!.gate.block(x.network!.peerId)
      for (const c of x.network!.node.getConnections(y.network!.node.peerId)) await c.close().catch(() => undefined)
    }
  }
}

export function heal(peers: Peer[]): void {
  for (const x of peers) for (const y of peers) if (x !== y) x.network?.gate.unblock(y.network!.peerId)
}
