// N `bzzz peer` processes on loopback TCP, as a team runs them: `bzzz init` for the admin, then for every member an
// invite from the seated admin's HTTP API, `bzzz join` and `bzzz peer`. Calls go through the typed HTTP client; events
// arrive on each peer's WebSocket. Memory is each process's own RSS, read from /proc.
import { readFileSync } from 'node:fs'
import { mkdir, readFile, rm } from 'node:fs/promises'
import { freemem } from 'node:os'
import { join } from 'node:path'
import { WebSocket } from 'ws'
import type { EventMessage } from '../../src-shared/contract/events.ts'
import type { Role } from '../../src-shared/roles.ts'
import { ApiClient } from '../../src-main/api/client.ts'
import { decisionKey } from '../../src-main/core/records/keys.ts'
import { passphraseFile, runBzzz, spawnPeer, tempDir, type PeerProcess } from '../../test/helpers/cli.ts'
import { MB, sleep } from '../lib/memory.ts'
import { joinRetrying, memberRoles } from './in-process.ts'
import type { ScaleNetwork, ScalePeer } from './scenario.ts'

/** Catch-up every 10 s instead of 5 min, so the scenario's catch-up step does not wait for minutes. */
const CATCH_UP_SECONDS = 10

function availableMemory(): number {
  try {
    return Number(/MemAvailable:\s+(\d+) kB/.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1] ?? 0) * 1024
  } catch {
    return freemem()
  }
}

class ProcessPeer implements ScalePeer {
  readonly arrivals = new Map<string, number>()
  readonly leaders = new Map<number, Set<string>>()
  readonly name: string
  readonly role: Role
  readonly proc: PeerProcess
  readonly client: ApiClient
  memberId = ''
  networkId = ''
  private socket: WebSocket | undefined
  private readonly dhtReader: () => ProcessPeer | undefined

  constructor(proc: PeerProcess, name: string, role: Role, dhtReader: () => ProcessPeer | undefined) {
    this.proc = proc
    this.name = name
    this.role = role
    this.client = new ApiClient({ url: proc.url, token: proc.token, timeoutMs: 60_000 })
    this.dhtReader = dhtReader
  }

  /** Subscribes to the peer's events; resolves once the socket is authenticated. */
  async listen(): Promise<void> {
    const member = (await this.client.call('node.status', {})).member
    this.memberId = member?.id ?? ''
    this.networkId = member?.networkId ?? ''
    const ws = new WebSocket(`${this.proc.url.replace(/^http/, 'ws')}/api/events`, { headers: { Authorization: `Bearer ${this.proc.token}` } })
    this.socket = ws
    await new Promise<void>((resolve, reject) => {
      ws.on('message', (data) => {
        const m = JSON.parse(data.toString()) as { type: string; event?: EventMessage }
        if (m.type === 'ready') resolve()
        const e = m.event
        if (e?.type === 'decision.published') this.arrivals.set(e.payload.header.address, e.at)
        if (e?.type === 'election.leader') this.leaders.set(e.payload.term, (this.leaders.get(e.payload.term) ?? new Set()).add(e.payload.admin))
      })
      ws.once('error', reject)
    })
    ws.on('error', () => undefined)
  }

  get alive(): boolean {
    return this.proc.child.exitCode === null && this.proc.child.signalCode === null
  }

  async publish(input: Parameters<ScalePeer['publish']>[0]) {
    return this.client.call('decisions.publish', input)
  }

  /** The periodic catch-up runs every CATCH_UP_SECONDS; the scenario waits for its effect. */
  async catchUp(): Promise<void> {}

  /** Raw DHT lookups need the admin's permission: they run on the seated admin's peer (`debug.dhtGet`). */
  async dhtGet(address: string) {
    const reader = this.dhtReader()
    if (reader === undefined) return { ms: 0, found: false }
    const t0 = performance.now()
    const r = await reader.client.call('debug.dhtGet', { key: decisionKey(reader.networkId, address) })
    return { ms: performance.now() - t0, found: r.found && r.source === 'dht' }
  }

  async electionView() {
    const [e, s] = await Promise.all([this.client.call('election.status', {}), this.client.call('node.status', {})])
    return { ...(e.admin === undefined ? {} : { leader: e.admin }), seated: e.self === 'leader' && e.admin === this.memberId && s.member?.role === 'admin', memberId: this.memberId }
  }

  async kill(): Promise<void> {
    this.socket?.terminate()
    this.proc.child.kill('SIGKILL')
    await this.proc.exited
  }

  async rssBytes(): Promise<number> {
    const status = await readFile(`/proc/${this.proc.child.pid}/status`, 'utf8')
    return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024
  }
}

/** What one `bzzz peer` process holds when idle, measured 150-195 MB of RSS. */
const PER_PROCESS_BYTES = 200 * MB

export async function openProcesses(n: number, opts: { electionTimeoutMs: number; heartbeatMs: number; log: (line: string) => void }): Promise<{ net: ScaleNetwork; formMs: number }> {
  // Refuse up front rather than let the kernel's OOM killer pick processes half-way through.
  const available = availableMemory()
  if (n * PER_PROCESS_BYTES > available) throw new Error(`${n} processes need about ${Math.round((n * PER_PROCESS_BYTES) / 2 ** 30)} GB; ${Math.round(available / 2 ** 30)} GB is available`)
  const root = await tempDir('bzzz-scale-procs-')
  const pass = await passphraseFile(root)
  const peers: ProcessPeer[] = []
  const flags = ['--listen', '/ip4/127.0.0.1/tcp/0', '--log-level', 'warn', '--set', `election.heartbeatMs=${opts.heartbeatMs}`, '--set', `election.electionTimeoutMs=${opts.electionTimeoutMs}`, '--set', `sync.catchUpSeconds=${CATCH_UP_SECONDS}`]
  const seatedAdmin = async (): Promise<ProcessPeer | undefined> => {
    for (const p of peers) if (p.alive && (await p.electionView().catch(() => undefined))?.seated) return p
    return undefined
  }
  let admin: ProcessPeer | undefined
  const dhtReader = () => admin
  const kill = async () => {
    await Promise.all(peers.filter((p) => p.alive).map((p) => p.kill()))
    await rm(root, { recursive: true, force: true })
  }
  const t0 = performance.now()
  try {
    const adminDir = join(root, 'admin')
    const init = await runBzzz(['init', '--data-dir', adminDir, '--passphrase-file', pass, '--name', 'admin'], { timeoutMs: 60_000 })
    if (init.code !== 0) throw new Error(`bzzz init failed: ${init.stderr}`)
    admin = new ProcessPeer(await spawnPeer(adminDir, flags, { passphraseFile: pass }), 'admin', 'admin', dhtReader)
    peers.push(admin)
    await admin.listen()
    let k = 1
    for (const role of memberRoles(n)) {
      let name = ''
      let dir = ''
      const bootstrap = await joinRetrying(`${role.replace('_', '-')}-${k++}`, async (attemptName) => {
        name = attemptName
        dir = join(root, name)
        await mkdir(dir)
        // Invites come from whoever holds the seat now (an election may have moved it while the network formed).
        const host = (await seatedAdmin()) ?? admin!
        const { code } = await host.client.call('members.invite', { role, ttlSeconds: 3600 })
        const joined = await runBzzz(['join', code, '--data-dir', dir, '--name', name, '--passphrase-file', pass], { timeoutMs: 90_000 })
        if (joined.code !== 0) throw new Error(`bzzz join ${name} failed: ${joined.stderr}`)
        return (await host.proc.listenAddrs()).slice(0, 1)
      }, opts.log)
      const p = new ProcessPeer(await spawnPeer(dir, [...flags, '--bootstrap', bootstrap[0]!], { passphraseFile: pass }), name, role, dhtReader)
      peers.push(p)
      await p.listen()
      if (k % 10 === 0) opts.log(`${k}/${n} peers joined (${((performance.now() - t0) / 1000).toFixed(0)} s)`)
    }
    // Formed: every peer holds the last roster and sees the gossip mesh.
    const end = Date.now() + 180_000
    for (;;) {
      const status = await Promise.all(peers.map((p) => p.client.call('members.list', {}).then((r) => r.members.length)))
      if (status.every((c) => c >= n && c === status[0])) break
      if (Date.now() > end) throw new Error(`rosters did not converge: ${status.join(',')}`)
      await sleep(500)
    }
  } catch (err) {
    await kill()
    throw err
  }
  const formMs = performance.now() - t0
  const net: ScaleNetwork = {
    mode: 'processes',
    peers,
    memoryPerPeer: async () => {
      await sleep(5_000) // start-up garbage collected; the peers idle
      const live = peers.filter((p) => p.alive)
      const rss = await Promise.all(live.map((p) => p.rssBytes()))
      return { rssMB: rss.reduce((a, b) => a + b, 0) / rss.length / MB, how: `mean RSS of the ${live.length} \`bzzz peer\` processes (max ${(Math.max(...rss) / MB).toFixed(0)} MB)` }
    },
    close: kill,
  }
  // Raw DHT lookups run on whoever holds the seat once the network formed.
  admin = (await seatedAdmin()) ?? admin
  return { net, formMs }
}
