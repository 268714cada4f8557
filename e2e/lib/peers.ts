// Real headless peers for the story: `bzzz peer` processes on loopback with fast election timings, each with its own
// data directory. Killed and cleaned up at the end, whatever happens.
import { mkdir, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { spawnPeer, type PeerProcess } from '../../test/helpers/cli.ts'

export const PASSPHRASE = 'correct horse battery'

/**
 * Short timings (failover within a few seconds), but with a lease this 2-core machine can hold while Chromium renders
 * beside five peers: event-loop stalls of 0.5-1.5 s were measured there, and with a 1 s lease they cost the founding
 * admin its seat mid-story (the same at ddc0c96 under load, so not a regression).
 */
export const FAST_ELECTIONS = { heartbeatMs: 250, electionTimeoutMs: 2500 }

export interface E2ePeer extends PeerProcess {
  name: string
  /** The app's address with the token in the fragment. */
  link: (path?: string) => string
  kill: (signal?: NodeJS.Signals) => Promise<void>
}

export class PeerFleet {
  readonly root: string
  readonly peers: E2ePeer[] = []

  constructor(root: string) {
    this.root = root
  }

  async start(name: string, config: Record<string, unknown> = {}): Promise<E2ePeer> {
    const dir = join(this.root, name)
    await mkdir(dir, { recursive: true, mode: 0o700 })
    await writeFile(join(dir, 'config.json'), JSON.stringify({ listen: ['/ip4/127.0.0.1/tcp/0'], election: FAST_ELECTIONS, ...config }, null, 2))
    const proc = await spawnPeer(dir, ['--log-level', process.env.E2E_PEER_LOG ?? 'info'])
    const peer: E2ePeer = {
      ...proc,
      name,
      link: (path = '/') => `${proc.url}${path}#token=${proc.token}`,
      kill: async (signal = 'SIGTERM') => {
        if (proc.child.exitCode !== null || proc.child.signalCode !== null) return
        proc.child.kill(signal)
        const timer = setTimeout(() => proc.child.kill('SIGKILL'), 5000)
        await proc.exited
        clearTimeout(timer)
      },
    }
    this.peers.push(peer)
    return peer
  }

  /** Joins `peer` (fresh, no vault) with an invite from `admin`, through the HTTP API. */
  async joinViaApi(admin: E2ePeer, peer: E2ePeer, role: string): Promise<void> {
    const invite = await admin.api('POST', '/api/members/invites', { role })
    if (invite.status !== 200) throw new Error(`invite failed: ${invite.status} ${JSON.stringify(invite.json)}`)
    const joined = await peer.api('POST', '/api/network/join', { invite: invite.json.code, memberName: peer.name, passphrase: PASSPHRASE })
    if (joined.status !== 200) throw new Error(`join failed for ${peer.name}: ${joined.status} ${JSON.stringify(joined.json)}`)
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.peers.map((p) => p.kill('SIGTERM').catch(() => undefined)))
  }

  async cleanup(): Promise<void> {
    await this.stopAll()
    await rm(this.root, { recursive: true, force: true }).catch(() => undefined)
  }

  /** The last log lines of every peer, for a failure report. */
  logTail(lines = 40): string {
    return this.peers.map((p) => `--- ${p.name} (${p.dir})\n${p.logs.slice(-lines).map((l) => JSON.stringify(l)).join('\n')}\n${p.stderr().slice(-2000)}`).join('\n')
  }
}
