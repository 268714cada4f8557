// bzzz audit, bzzz config and bzzz debug as users and scripts run them: on a stopped peer (the data directory opened
// by the command itself) and through the API of a running `bzzz peer` process; and `bzzz peer` refusing a bad config.
import { readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Store } from '../src-main/core/store/store.ts'
import { passphraseFile, runBzzz, spawnPeer, tempDir, type PeerProcess } from './helpers/cli.ts'

let root: string
let dir: string
let pass: string
const procs: PeerProcess[] = []

async function bzzz(args: string[], env: Record<string, string> = {}) {
  const r = await runBzzz([...args, '--data-dir', dir], { env })
  return { ...r, out: r.stdout.toString() }
}

function oneLineError(stderr: string, fragment: RegExp | string) {
  expect(stderr.trimEnd().split('\n')).toHaveLength(1)
  expect(stderr).toMatch(/^bzzz: /)
  expect(stderr).toMatch(fragment)
  expect(stderr).not.toMatch(/\n\s+at /)
}

beforeAll(async () => {
  root = await tempDir('bzzz-ops-')
  dir = join(root, 'alice')
  pass = await passphraseFile(root)
  const r = await runBzzz(['init', '--data-dir', dir, '--passphrase-file', pass, '--name', 'alice'])
  expect(r.code).toBe(0)
}, 60_000)

afterAll(async () => {
  for (const p of procs) if (p.child.exitCode === null) p.child.kill('SIGKILL')
  await rm(root, { recursive: true, force: true })
})

describe('bzzz audit on a stopped peer', () => {
  it('verifies the chain without a passphrase and lists it', async () => {
    const v = await bzzz(['audit', 'verify'])
    expect(v).toMatchObject({ code: 0, stderr: '', out: 'audit chain intact: 1 entry\n' })
    const ls = await bzzz(['audit', 'ls'])
    expect(ls.out).toMatch(/^\s+0 {2}\d{4}-\d\d-\d\d \d\d:\d\d:\d\d {2}network_created\s+alice\s+network=n[0-9a-f]+ name=team\n$/)
    const json = JSON.parse((await bzzz(['audit', 'verify', '--json'])).out)
    expect(json).toEqual({ ok: true, entries: 1 })
    expect((await bzzz(['audit', 'ls', '--limit', 'x'])).code).toBe(2)
  })

  it('names the first broken entry and exits with 1 when an entry was changed', async () => {
    const store = await Store.open(dir)
    const db = store.json<Record<string, unknown>>('audit')
    const original = (await db.get('000000000000'))!
    await db.put('000000000000', { ...original, detail: { network: 'forged', name: 'team' } })
    await store.close()
    try {
      const v = await bzzz(['audit', 'verify'])
      expect(v.code).toBe(1)
      expect(v.out).toBe('')
      oneLineError(v.stderr, 'bzzz: the audit chain is broken at entry 0: entry 0 was changed after it was written (the 0 entries before it verify)')
      const json = await bzzz(['audit', 'verify', '--json'])
      expect(json.code).toBe(1)
      expect(JSON.parse(json.out)).toMatchObject({ ok: false, firstBroken: 0 })
    } finally {
      const again = await Store.open(dir)
      await again.json('audit').put('000000000000', original)
      await again.close()
    }
    expect((await bzzz(['audit', 'verify'])).code).toBe(0)
  })

  it('says so for a directory that does not exist', async () => {
    const r = await runBzzz(['audit', 'verify', '--data-dir', join(root, 'nowhere')])
    expect(r.code).toBe(5)
    oneLineError(r.stderr, /no data directory at .*nowhere/)
  })
})

describe('bzzz config on a stopped peer', () => {
  it('edits config.json, refuses an invalid value with one line, and audits the change', async () => {
    const set = await bzzz(['config', 'set', 'cache.entries', '500'])
    expect(set).toMatchObject({ code: 0, stderr: '' })
    expect(set.out).toBe(`cache.entries = 500: written to ${join(dir, 'config.json')}; takes effect when the peer starts\n`)
    expect(JSON.parse(await readFile(join(dir, 'config.json'), 'utf8'))).toEqual({ cache: { entries: 500 } })
    const before = await readFile(join(dir, 'config.json'), 'utf8')
    const bad = await bzzz(['config', 'set', 'cache.entries', 'lots'])
    expect(bad.code).toBe(2)
    oneLineError(bad.stderr, 'invalid value for cache.entries: Invalid input: expected number, received string; nothing was written')
    const unknown = await bzzz(['config', 'set', 'api.prot', '1'])
    expect(unknown.code).toBe(2)
    oneLineError(unknown.stderr, /unknown setting 'api\.prot'/)
    expect(await readFile(join(dir, 'config.json'), 'utf8')).toBe(before)
    expect((await bzzz(['config', 'get', 'cache.entries'])).out).toBe('500\n')
    expect((await bzzz(['config', 'get', 'logLevel'])).out).toBe('info\n')
    const noted = await bzzz(['config', 'get', 'api'], { BZZZ_API_PORT: '7450' })
    expect(JSON.parse(noted.out)).toEqual({ host: '127.0.0.1', port: 0 })
    expect(noted.stderr).toContain('BZZZ_API_PORT is set here')
    expect((await bzzz(['audit', 'ls'])).out).toMatch(/config_changed\s+-\s+key=cache\.entries changed=\["cache\.entries"\] restartRequired=false via=cli \(peer stopped\)/)
    // Nine CLI processes, each starting Node and loading the CLI (about 1.5 s of CPU): 30 s ran out once on two busy
    // cores.
  }, 90_000)
})

describe('bzzz peer with a bad configuration', () => {
  it('refuses to start, with one line naming the source, key and reason', async () => {
    const path = join(dir, 'config.json')
    const good = await readFile(path, 'utf8')
    try {
      await writeFile(path, JSON.stringify({ cache: { entries: 500 }, replicas: 0 }))
      const file = await bzzz(['peer', '--no-mdns', '--passphrase-file', pass])
      expect(file.code).toBe(2)
      oneLineError(file.stderr, `bzzz: invalid ${path}: replicas: Too small: expected number to be >=1; the peer was not started`)
      await writeFile(path, good)
      const env = await bzzz(['peer', '--no-mdns', '--passphrase-file', pass], { BZZZ_API_PORT: 'abc' })
      expect(env.code).toBe(2)
      oneLineError(env.stderr, "bzzz: invalid environment variable BZZZ_API_PORT (api.port): 'abc' is not a number")
      const range = await bzzz(['peer', '--no-mdns', '--passphrase-file', pass], { BZZZ_BOOTSTRAP: '/ip4/10.0.0.1/tcp/1,nonsense' })
      expect(range.code).toBe(2)
      oneLineError(range.stderr, /^bzzz: invalid environment variable BZZZ_BOOTSTRAP: bootstrap\.1: expected a multiaddr/)
      const flag = await bzzz(['peer', '--no-mdns', '--passphrase-file', pass, '--set', 'logLevel=loud'])
      expect(flag.code).toBe(2)
      oneLineError(flag.stderr, /^bzzz: invalid flag: logLevel: /)
    } finally {
      await writeFile(path, good)
    }
    expect(procs).toHaveLength(0)
  }, 60_000)
})

describe('through a running peer', () => {
  let peer: PeerProcess
  beforeAll(async () => {
    await writeFile(join(dir, 'config.json'), JSON.stringify({ cache: { entries: 500 }, replicas: 4, logLevel: 'error' }))
    peer = await spawnPeer(dir, ['--listen', '/ip4/127.0.0.1/tcp/0', '--set', 'replicas=6'], { passphraseFile: pass, env: { BZZZ_LOG_LEVEL: 'warn', BZZZ_REPLICAS: '5' } })
    procs.push(peer)
  }, 60_000)

  it('starts with file, environment and flags in that order of precedence', async () => {
    const all = JSON.parse((await bzzz(['config', 'get'])).out)
    expect(all).toMatchObject({ cache: { entries: 500 }, logLevel: 'warn', replicas: 6 })
  })

  it('changes settings through the API: applied now, after a restart, or shadowed by the environment', async () => {
    expect((await bzzz(['config', 'set', 'cache.entries', '42'])).out).toBe('cache.entries = 42: applied now\n')
    expect((await bzzz(['config', 'set', 'api.port', '7451'])).out).toBe('api.port = 7451: takes effect after the peer restarts (api.port)\n')
    const shadowed = await bzzz(['config', 'set', 'logLevel', 'debug'])
    expect(shadowed.out).toBe(`logLevel = "debug": written to config.json, but the running peer's environment or flags set logLevel; it stays "warn" until that override is gone\n`)
    const bad = await bzzz(['config', 'set', 'replicas', '0'])
    expect(bad.code).toBe(2)
    oneLineError(bad.stderr, /invalid value for replicas/)
    expect(JSON.parse(await readFile(join(dir, 'config.json'), 'utf8'))).toEqual({ cache: { entries: 42 }, replicas: 4, logLevel: 'debug', api: { port: 7451 } })
    expect((await peer.api('GET', '/api/config')).json.cache.entries).toBe(42)
  })

  it('verifies and lists the audit log through the API', async () => {
    const v = await bzzz(['audit', 'verify'])
    expect(v).toMatchObject({ code: 0, stderr: '' })
    expect(v.out).toMatch(/^audit chain intact: \d+ entries\n$/)
    const ls = await bzzz(['audit', 'ls', '--limit', '2', '--json'])
    const entries = JSON.parse(ls.out).entries as { kind: string; detail: { key?: string; via?: string } }[]
    expect(entries).toHaveLength(2)
    expect(entries.filter((e) => e.kind === 'config_changed').map((e) => e.detail.via)).toContain('http')
  })

  it('answers the debug commands', async () => {
    const conns = await bzzz(['debug', 'connections'])
    expect(conns).toMatchObject({ code: 0, out: 'no open connections\n' })
    const gossip = await bzzz(['debug', 'gossip', '--json'])
    expect(JSON.parse(gossip.out).topics.map((t: { topic: string }) => t.topic.split('/').pop())).toEqual(expect.arrayContaining(['decisions', 'roster']))
    expect((await bzzz(['debug', 'routing'])).out).toMatch(/^k-bucket size 20; 0 peers in the routing table/)
    const status = (await peer.api('GET', '/api/status')).json
    const dht = await bzzz(['debug', 'dht', `/bzzz/${status.member.networkId}/roster`])
    expect(dht.out).toContain("found in: this peer's store (not in the DHT)")
    expect(dht.out).toContain('kind: roster')
    expect(dht.out).toContain('valid: yes')
  })

  it('works on the stopped peer again afterwards', async () => {
    peer.child.kill('SIGINT')
    expect(await peer.exited).toBe(0)
    expect((await bzzz(['audit', 'verify'])).code).toBe(0)
    expect((await bzzz(['config', 'get', 'cache.entries'])).out).toBe('42\n')
  })
})
