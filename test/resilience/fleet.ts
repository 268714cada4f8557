// A fleet of real `bzzz peer` processes for the resilience tests: fixed loopback ports (a restarted peer is found where
// it was), failpoints through BZZZ_FAILPOINTS, SIGKILL and restart from the same data directory, and a record of every
// incarnation's logs and exit so a test can tell the kills it made from a process that died on its own.
import { writeFile, mkdir, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { passphraseFile, runBzzz, spawnPeer, tempDir, type PeerProcess } from '../helpers/cli.ts'

export const PASSPHRASE = 'correct horse battery'

export interface Incarnation {
  proc: PeerProcess
  failpoints: string | undefined
  /** Set when the test killed or stopped it: an exit is then expected. */
  planned: boolean
  exit?: { code: number | null; signal: NodeJS.Signals | null }
}

export interface FleetNode {
  name: string
  dir: string
  port: number
  peerId: string | undefined
  incarnations: Incarnation[]
}

export interface ApiAnswer {
  status: number
  json: any
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port
      srv.close(() => resolve(port))
    })
  })
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 30_000, everyMs = 200): Promise<T> {
  const end = Date.now() + timeoutMs
  let lastError: unknown
  for (;;) {
    try {
      const v = await probe()
      if (v !== undefined && v !== false) return v
    } catch (err) {
      lastError = err
    }
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError === undefined ? '' : ` (last error: ${String(lastError)})`}`)
    await new Promise((r) => setTimeout(r, everyMs))
  }
}

export class Fleet {
  readonly root: string
  readonly pass: string
  readonly nodes = new Map<string, FleetNode>()
  /** Settings every peer gets in its config.json (merged over the defaults below). */
  private readonly config: Record<string, unknown>

  private constructor(root: string, pass: string, config: Record<string, unknown>) {
    this.root = root
    this.pass = pass
    this.config = config
  }

  static async create(prefix: string, config: Record<string, unknown> = {}): Promise<Fleet> {
    const root = await tempDir(prefix)
    return new Fleet(root, await passphraseFile(root, PASSPHRASE), config)
  }

  node(name: string): FleetNode {
    const n = this.nodes.get(name)
    if (n === undefined) throw new Error(`no node ${name}`)
    return n
  }

  /** The running incarnation (throws when the node is down). */
  proc(name: string): PeerProcess {
    const inc = this.node(name).incarnations.at(-1)
    if (inc === undefined || inc.exit !== undefined) throw new Error(`${name} is not running`)
    return inc.proc
  }

  running(name: string): boolean {
    const inc = this.nodes.get(name)?.incarnations.at(-1)
    return inc !== undefined && inc.exit === undefined
  }

  private async prepare(name: string): Promise<FleetNode> {
    const dir = join(this.root, name)
    await mkdir(dir, { recursive: true, mode: 0o700 })
    const node: FleetNode = { name, dir, port: await freePort(), peerId: undefined, incarnations: [] }
    // The tests read far more than a person would (every decision on every peer): lift the per-minute API limits.
    const rateLimits = { decisionsPerMinute: 100_000, cryptoPerMinute: 100_000, adminPerMinute: 100_000 }
    await writeFile(join(dir, 'config.json'), JSON.stringify({ listen: [`/ip4/127.0.0.1/tcp/${node.port}`], mdns: false, rateLimits, ...this.config }, null, 2))
    this.nodes.set(name, node)
    return node
  }

  /** A new network: `bzzz init` in a fresh directory, then its peer. */
  async init(name: string): Promise<FleetNode> {
    const node = await this.prepare(name)
    const r = await runBzzz(['init', '--data-dir', node.dir, '--passphrase-file', this.pass, '--name', name], { timeoutMs: 60_000 })
    if (r.code !== 0) throw new Error(`bzzz init failed: ${r.stderr}`)
    await this.start(name)
    return node
  }

  /** Multiaddrs of up to `max` other nodes whose peer id is known, the admin-ish first (the order they were added). */
  private bootstrapFor(name: string, max = 3): string[] {
    return [...this.nodes.values()]
      .filter((n) => n.name !== name && n.peerId !== undefined)
      .slice(0, max)
      .map((n) => `/ip4/127.0.0.1/tcp/${n.port}/p2p/${n.peerId}`)
  }

  /** Starts (or restarts) a node's peer. `failpoints` arms BZZZ_FAILPOINTS; `set` adds --set KEY=VALUE flags. */
  async start(name: string, opts: { failpoints?: string; set?: string[] } = {}): Promise<PeerProcess> {
    const node = this.node(name)
    if (this.running(name)) throw new Error(`${name} is already running`)
    const args = ['--log-level', 'info', ...this.bootstrapFor(name).flatMap((a) => ['--bootstrap', a]), ...(opts.set ?? []).flatMap((s) => ['--set', s])]
    const proc = await spawnPeer(node.dir, args, { passphraseFile: this.pass, env: opts.failpoints === undefined ? {} : { BZZZ_FAILPOINTS: opts.failpoints } })
    const inc: Incarnation = { proc, failpoints: opts.failpoints, planned: false }
    node.incarnations.push(inc)
    void proc.exited.then((code) => (inc.exit = { code, signal: proc.child.signalCode }))
    const status = await this.api(name, 'GET', '/api/status')
    if (typeof status.json.peerId === 'string') node.peerId = status.json.peerId
    return proc
  }

  /** A fresh peer (no vault yet): it serves its API until it joins. */
  async fresh(name: string, opts: { failpoints?: string; set?: string[] } = {}): Promise<PeerProcess> {
    await this.prepare(name)
    return this.start(name, opts)
  }

  /** A fresh peer that joins through the API with an invite from `admin`. */
  async add(name: string, role: string, admin: string, opts: { failpoints?: string; set?: string[] } = {}): Promise<ApiAnswer> {
    await this.fresh(name, opts)
    return this.join(name, await this.invite(admin, role))
  }

  async invite(admin: string, role: string): Promise<string> {
    const r = await this.api(admin, 'POST', '/api/members/invites', { role })
    if (r.status !== 200) throw new Error(`invite failed: ${r.status} ${JSON.stringify(r.json)}`)
    return r.json.code as string
  }

  /** Joins through the API; a process that dies under the request answers status 0. */
  async join(name: string, invite: string): Promise<ApiAnswer> {
    const r = await this.api(name, 'POST', '/api/network/join', { invite, memberName: name, passphrase: PASSPHRASE }, 90_000).catch((err: Error) => ({ status: 0, json: { error: err.message } }))
    if (r.status === 200 && typeof r.json.peerId === 'string') this.node(name).peerId = r.json.peerId
    return r
  }

  /** An API call to the running incarnation, with a deadline; a dead or dying process rejects. */
  async api(name: string, method: string, path: string, body?: unknown, timeoutMs = 30_000): Promise<ApiAnswer> {
    const proc = this.proc(name)
    const res = await fetch(proc.url + path, {
      method,
      headers: { Authorization: `Bearer ${proc.token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(timeoutMs),
    })
    return { status: res.status, json: (await res.json()) as any }
  }

  /** SIGKILL (planned), and wait for the process to be gone. */
  async kill(name: string): Promise<void> {
    const inc = this.node(name).incarnations.at(-1)
    if (inc === undefined || inc.exit !== undefined) return
    inc.planned = true
    inc.proc.child.kill('SIGKILL')
    await inc.proc.exited
  }

  /** SIGINT, a clean stop (SIGKILL after 15 s). */
  async stop(name: string): Promise<void> {
    const inc = this.node(name).incarnations.at(-1)
    if (inc === undefined || inc.exit !== undefined) return
    inc.planned = true
    inc.proc.child.kill('SIGINT')
    const timer = setTimeout(() => inc.proc.child.kill('SIGKILL'), 15_000)
    await inc.proc.exited
    clearTimeout(timer)
  }

  /**
   * Waits until the node's process killed itself at `point` (SIGKILL, with the failpoint's stderr line) and returns
   * the detail the point printed.
   */
  async crashedAt(name: string, point: string, timeoutMs = 60_000): Promise<Record<string, unknown>> {
    const inc = this.node(name).incarnations.at(-1)
    if (inc === undefined) throw new Error(`${name} never ran`)
    const timer = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${name} did not crash at ${point} within ${timeoutMs} ms; stderr: ${inc.proc.stderr().slice(-500)}`)), timeoutMs).unref())
    await Promise.race([inc.proc.exited, timer])
    if (inc.proc.child.signalCode !== 'SIGKILL') throw new Error(`${name} exited with ${inc.proc.child.exitCode}/${inc.proc.child.signalCode}, not at ${point}: ${inc.proc.stderr().slice(-800)}`)
    const line = inc.proc.stderr().split('\n').find((l) => l.startsWith(`bzzz failpoint ${point}: crash`))
    if (line === undefined) throw new Error(`${name} was killed, but not at ${point}: ${inc.proc.stderr().slice(-800)}`)
    const json = line.slice(`bzzz failpoint ${point}: crash`.length).trim()
    return json === '' ? {} : (JSON.parse(json) as Record<string, unknown>)
  }

  /**
   * Sends a request that must kill the node at `point`: fails with the answer if one comes back instead (the request
   * was refused, so the point was never reached).
   */
  async crashDuring(name: string, point: string, method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
    const answer = this.api(name, method, path, body, 120_000).then(
      (r) => r,
      () => undefined,
    )
    const refused = answer.then((r) => {
      if (r !== undefined) throw new Error(`${method} ${path} was answered ${r.status} ${JSON.stringify(r.json)} instead of crashing ${name} at ${point}`)
      return new Promise<never>(() => undefined)
    })
    return Promise.race([this.crashedAt(name, point), refused])
  }

  /** Every log line of every incarnation of a node (or of all nodes), oldest first. */
  logs(name?: string): Record<string, unknown>[] {
    const nodes = name === undefined ? [...this.nodes.values()] : [this.node(name)]
    return nodes.flatMap((n) => n.incarnations.flatMap((i) => i.proc.logs.map((l) => ({ ...l, node: n.name }))))
  }

  /** Exits nobody asked for: neither a kill of ours nor a failpoint. */
  unexpectedExits(): { name: string; code: number | null; signal: string | null; stderr: string }[] {
    const out: { name: string; code: number | null; signal: string | null; stderr: string }[] = []
    for (const n of this.nodes.values()) {
      for (const inc of n.incarnations) {
        if (inc.exit === undefined || inc.planned) continue
        if (inc.exit.signal === 'SIGKILL' && /^bzzz failpoint /m.test(inc.proc.stderr())) continue
        out.push({ name: n.name, code: inc.exit.code, signal: inc.exit.signal, stderr: inc.proc.stderr().slice(-1000) })
      }
    }
    return out
  }

  /** Stops every peer (SIGINT, in parallel) and removes the directories unless KEEP_RESILIENCE_DIRS is set. */
  async close(): Promise<void> {
    await Promise.all([...this.nodes.keys()].map((n) => this.stop(n).catch(() => undefined)))
    if (process.env.KEEP_RESILIENCE_DIRS === undefined) await rm(this.root, { recursive: true, force: true }).catch(() => undefined)
  }

  /** The last log lines of every node, for a failure message. */
  tail(lines = 15): string {
    return [...this.nodes.values()]
      .map((n) => {
        const inc = n.incarnations.at(-1)
        if (inc === undefined) return `--- ${n.name}: never started`
        return `--- ${n.name} (${inc.exit === undefined ? 'running' : `exited ${inc.exit.code}/${inc.exit.signal}`})\n${inc.proc.logs.slice(-lines).map((l) => JSON.stringify(l)).join('\n')}\n${inc.proc.stderr().slice(-600)}`
      })
      .join('\n')
  }
}
