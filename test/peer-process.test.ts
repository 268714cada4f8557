// The headless peer as users run it: separate `bzzz peer` processes on loopback TCP, the CLI clients, the HTTP API,
// SIGINT, a second instance refused, and a SIGKILL in the middle of publishing.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { passphraseFile, runBzzz, spawnPeer, tempDir, type PeerProcess } from './helpers/cli.ts'

let root: string
let pass: string
let admin: PeerProcess
let bob: PeerProcess
const procs: PeerProcess[] = []

async function bzzz(args: string[], input?: string) {
  const r = await runBzzz(args, input === undefined ? {} : { input })
  return { ...r, out: r.stdout.toString() }
}

beforeAll(async () => {
  root = await tempDir('bzzz-proc-')
  pass = await passphraseFile(root)
  const adminDir = join(root, 'admin')
  expect((await bzzz(['init', '--data-dir', adminDir, '--passphrase-file', pass, '--name', 'alice'])).code).toBe(0)
  admin = await spawnPeer(adminDir, ['--listen', '/ip4/127.0.0.1/tcp/0'], { passphraseFile: pass })
  procs.push(admin)
  const invite = await bzzz(['invite', '--role', 'architect', '--data-dir', adminDir])
  expect(invite.code).toBe(0)
  const bobDir = join(root, 'bob')
  const joined = await bzzz(['join', invite.out.trim(), '--data-dir', bobDir, '--name', 'bob', '--passphrase-file', pass])
  expect(joined.stderr).toBe('')
  expect(joined.out).toContain("as 'bob', architect")
  bob = await spawnPeer(bobDir, ['--listen', '/ip4/127.0.0.1/tcp/0', '--bootstrap', (await admin.listenAddrs())[0]!], { passphraseFile: pass })
  procs.push(bob)
  const end = Date.now() + 15_000
  while ((await bob.api('GET', '/api/peers')).json.peers.length === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 100))
}, 60_000)

afterAll(async () => {
  for (const p of procs) if (p.child.exitCode === null) p.child.kill('SIGKILL')
})

describe('bzzz peer and its clients', () => {
  it('publishes with the CLI on one peer and reads with the CLI on the other', async () => {
    const pub = await bzzz(['publish', '--data-dir', bob.dir, '--type', 'architectural', '--title', 'Adopt gRPC', '--body', 'Between services.', '--audience', 'backend_dev', '--project', 'platform', '--task', 'rpc', '--tag', 'api', '--json'])
    expect(pub.stderr).toBe('')
    const out = JSON.parse(pub.out) as { address: string; replicas: number }
    expect(out.address).toMatch(/^bob\/architect\/platform\/rpc\//)
    expect(out.replicas).toBeGreaterThanOrEqual(1)
    let got = await bzzz(['get', out.address, '--data-dir', admin.dir])
    for (let i = 0; i < 50 && got.code !== 0; i++) {
      await new Promise((r) => setTimeout(r, 100))
      got = await bzzz(['get', out.address, '--data-dir', admin.dir])
    }
    expect(got.out).toContain('# Adopt gRPC')
    expect(got.out).toContain('signature verified')
    const ls = await bzzz(['ls', '*/*/platform/**', '--data-dir', admin.dir])
    expect(ls.out).toContain('Adopt gRPC (proposed)')
    // Connections come and go (a join's temporary node, simultaneous dials): wait for the steady state.
    let peers = await bzzz(['peers', '--data-dir', admin.dir])
    for (let i = 0; i < 50 && !/bob\s+architect/.test(peers.out); i++) {
      await new Promise((r) => setTimeout(r, 100))
      peers = await bzzz(['peers', '--data-dir', admin.dir])
    }
    expect(peers.out).toMatch(/bob\s+architect/)
  })

  it('accepts the seeds CI pipeline step unchanged (with the token)', async () => {
    const res = await fetch(`${bob.url}/api/decisions/code`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${bob.token}` },
      body: JSON.stringify({ task: 'ci_build_42', decision: 'Automated build completed', files_modified: ['main.go'], test_results: { passed: 12, failed: 0 }, success: true }),
    })
    expect(res.status).toBe(201)
    const body = (await res.json()) as { address: string; header: { type: string } }
    expect(body.header.type).toBe('code')
    const got = await bob.api('GET', `/api/decisions/content/${body.address}`)
    expect(got.json.content.code).toMatchObject({ files_modified: ['main.go'], success: true })
  })

  it('answers errors as JSON with the right status', async () => {
    expect((await fetch(`${bob.url}/api/decisions`)).status).toBe(401)
    expect((await bob.api('GET', '/api/decisions/content/not-an-address')).status).toBe(400)
    expect((await bob.api('GET', '/api/decisions/content/bob/architect/x/y/zzz')).status).toBe(404)
    const forbidden = await bob.api('POST', '/api/members/invites', { role: 'observer' })
    expect(forbidden.status).toBe(403)
    expect(forbidden.json.error.code).toBe('forbidden')
  })

  it('logs one JSON line per event and never a title', async () => {
    const pub = await bob.api('POST', '/api/decisions/decision', { title: 'Very secret title', body: 'x', audience: 'architect', project: 'p', task: 't' })
    expect(pub.status).toBe(201)
    const end = Date.now() + 5000
    while (!bob.logs.some((l) => l.event === 'decision.published' && l.address === pub.json.address) && Date.now() < end) await new Promise((r) => setTimeout(r, 50))
    expect(bob.logs.some((l) => l.event === 'decision.published' && l.address === pub.json.address)).toBe(true)
    expect(JSON.stringify(bob.logs)).not.toContain('Very secret title')
    expect(JSON.stringify(bob.logs)).not.toContain(bob.token)
  })

  it('shows the election and custody state from the command line', async () => {
    const e = await bzzz(['election', '--data-dir', bob.dir])
    expect(e.stderr).toBe('')
    expect(e.out).toMatch(/term \d+ · admin alice/)
    expect(e.out).toMatch(/bob\s+architect/)
    const c = await bzzz(['custody', '--data-dir', bob.dir])
    expect(c.out).toContain('share 1: alice')
    expect(c.out).toContain('share 2: bob')
    expect(c.out).toContain('this member holds a share')
    const t = await bzzz(['election', 'trigger', '--data-dir', bob.dir])
    expect(t.code).toBe(4)
    expect(t.stderr).toMatch(/not allowed for architect/)
  })

  it('refuses a second peer on the same data directory, naming the running one', async () => {
    const r = await runBzzz(['peer', '--data-dir', bob.dir, '--passphrase-file', pass, '--no-mdns'])
    expect(r.code).toBe(6)
    expect(r.stderr).toMatch(new RegExp(`in use by another bzzz process \\(pid ${bob.child.pid}, 'bzzz peer'`))
  })

  it('loses nothing acknowledged when killed with SIGKILL in the middle of publishing', async () => {
    const acknowledged: string[] = []
    let stop = false
    const writers = Array.from({ length: 4 }, async (_, w) => {
      for (let i = 0; !stop; i++) {
        try {
          const r = await bob.api('POST', '/api/decisions/decision', { title: `load ${w}-${i}`, body: 'x', audience: 'observer', project: 'load', task: `w${w}` })
          if (r.status === 201) acknowledged.push(r.json.address)
        } catch {
          return // the process died under us
        }
      }
    })
    const end = Date.now() + 10_000
    while (acknowledged.length < 8 && Date.now() < end) await new Promise((r) => setTimeout(r, 20))
    bob.child.kill('SIGKILL')
    stop = true
    await Promise.all(writers)
    expect(await bob.exited).toBeNull()
    expect(acknowledged.length).toBeGreaterThanOrEqual(8)
    // The stale lock and api.json are left behind by the kill; the restart takes them over.
    const again = await spawnPeer(bob.dir, ['--listen', '/ip4/127.0.0.1/tcp/0', '--bootstrap', (await admin.listenAddrs())[0]!], { passphraseFile: pass })
    procs.push(again)
    for (const address of acknowledged) {
      const r = await again.api('GET', `/api/decisions/content/${address}`)
      expect(r.status, address).toBe(200)
    }
    const list = await again.api('GET', '/api/decisions?pattern=*/*/load/**&limit=1000')
    expect(list.json.total).toBeGreaterThanOrEqual(acknowledged.length)
    bob = again
  })

  it('stops cleanly on SIGINT and removes api.json', async () => {
    bob.child.kill('SIGINT')
    expect(await bob.exited).toBe(0)
    await expect(readFile(join(bob.dir, 'api.json'))).rejects.toMatchObject({ code: 'ENOENT' })
    await expect(readFile(join(bob.dir, 'peer.lock'))).rejects.toMatchObject({ code: 'ENOENT' })
    const client = await bzzz(['ls', '--data-dir', bob.dir])
    expect(client.code).toBe(10)
    expect(client.stderr).toMatch(/no peer is running on/)
  })
})
