process.env.BZZZ_SCRYPT_LOG_N = '12'

import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BzzzError } from '../../src-shared/errors.ts'
import { Peer } from '../core/peer.ts'
import { VERSION } from '../core/version.ts'
import { ApiClient } from './client.ts'
import { API_INFO_FILE, readApiInfo, removeApiInfo, writeApiInfo } from './http/api-info.ts'
import { startHttpApi, type HttpApiHandle } from './http/server.ts'
import { API_TOKEN_FILE, loadOrCreateApiToken, readApiToken } from './token.ts'

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'bzzz-client-'))
}

/** A port nothing listens on: bind one, then close it. */
async function closedPort(): Promise<number> {
  const srv = createServer()
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve))
  const { port } = srv.address() as { port: number }
  await new Promise<void>((resolve) => srv.close(() => resolve()))
  return port
}

async function rejection(p: Promise<unknown>): Promise<BzzzError> {
  try {
    await p
  } catch (err) {
    expect(err).toBeInstanceOf(BzzzError)
    return err as BzzzError
  }
  throw new Error('expected a rejection')
}

describe('ApiClient against a running peer', () => {
  let dir: string
  let peer: Peer
  let api: HttpApiHandle
  let token: string
  let client: ApiClient

  beforeAll(async () => {
    dir = await tempDir()
    peer = await Peer.open({ dataDir: dir, command: 'test' })
    token = await loadOrCreateApiToken(dir)
    api = await startHttpApi({ peer, host: '127.0.0.1', port: 0, token })
    await writeApiInfo(dir, { url: api.url, pid: process.pid })
    client = new ApiClient({ url: api.url, token })
  })
  afterAll(async () => {
    await api.close()
    await peer.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('makes typed calls through the whole flow and maps errors to BzzzError codes', async () => {
    expect(await client.health()).toMatchObject({ status: 'ok', version: VERSION })
    const before = await client.call('node.status', {})
    expect(before.vault).toBe('absent')

    expect((await rejection(client.call('members.list', {}))).code).toBe('not_found')
    const bad = await rejection(client.call('network.create', { networkName: 'acme', memberName: 'bad name', passphrase: 'passphrase-1' }))
    expect(bad.code).toBe('invalid_input')
    expect(bad.message).toMatch(/^network\.create: memberName: /)

    const created = await client.call('network.create', { networkName: 'acme', memberName: 'alice', passphrase: 'passphrase-1' })
    expect(created.vault).toBe('unlocked')
    expect(created.member?.role).toBe('admin')
    expect((await rejection(client.call('network.create', { networkName: 'acme', memberName: 'alice', passphrase: 'passphrase-1' }))).code).toBe('conflict')

    const sealed = await client.call('crypto.encrypt', { role: 'architect', plaintext: 'the plan' })
    expect(sealed.recipients).toContain('architect')
    const opened = await client.call('crypto.decrypt', { armored: sealed.armored })
    expect(opened.plaintext).toBe('the plan')

    const { members } = await client.call('members.list', {})
    expect(members.map((m) => m.id)).toEqual(['alice'])

    // Calls without a handler yet reach the peer and come back with its code.
    const listed = client.call('decisions.list', { limit: 10, includeLocked: false })
    await listed.then(
      (out) => expect(Array.isArray(out.items)).toBe(true),
      (err: unknown) => expect(err).toMatchObject({ code: 'unavailable' }),
    )

    expect((await client.call('vault.lock', {})).vault).toBe('locked')
    const locked = await rejection(client.call('members.list', {}))
    expect(locked.code).toBe('locked')
    expect(locked.message).toMatch(/unlock it with your passphrase/)
    expect((await rejection(client.call('vault.unlock', { passphrase: 'wrong-passphrase' }))).code).toBe('unauthenticated')
    expect((await client.call('vault.unlock', { passphrase: 'passphrase-1' })).vault).toBe('unlocked')
  })

  it('sends path and rest parameters the server decodes back', async () => {
    const err = await rejection(client.call('decisions.get', { address: 'alice/architect/p/t' }))
    expect(err.code).toBe('invalid_input')
    expect(err.message).toMatch(/^decisions\.get: address: .*expected 5 segments/)
    const removed = await rejection(client.call('members.remove', { memberId: 'bad id' }))
    expect(removed.code).toBe('invalid_input')
    expect(removed.message).toMatch(/^members\.remove: memberId: /)
  })

  it('refuses a wrong token with unauthenticated', async () => {
    const wrong = new ApiClient({ url: api.url, token: 'x'.repeat(43) })
    expect((await rejection(wrong.call('node.status', {}))).code).toBe('unauthenticated')
  })

  it('carries Retry-After from a rate-limited answer into the error', async () => {
    const fake: typeof fetch = async () =>
      new Response(JSON.stringify({ error: { code: 'rate_limited', message: 'slow down', retryAfter: 7 } }), { status: 429, headers: { 'Retry-After': '7' } })
    const err = await rejection(new ApiClient({ url: 'http://127.0.0.1:1', token: 't', fetch: fake }).call('node.status', {}))
    expect(err).toMatchObject({ code: 'rate_limited', message: 'slow down', retryAfter: 7 })
  })

  it('finds the peer from its data directory', async () => {
    const fromDir = await ApiClient.fromDataDir(dir)
    expect(fromDir.url).toBe(api.url)
    expect((await fromDir.call('node.status', {})).version).toBe(VERSION)
  })
})

describe('ApiClient without a peer', () => {
  it('turns a refused connection into unavailable with the start hint', async () => {
    const port = await closedPort()
    const url = `http://127.0.0.1:${port}`
    const err = await rejection(new ApiClient({ url, token: 't' }).call('node.status', {}))
    expect(err.code).toBe('unavailable')
    expect(err.message).toBe(`no bzzz peer answers at ${url}; start one with 'bzzz peer --data-dir DIR'`)
  })

  it('turns a timeout into unavailable', async () => {
    const hang: typeof fetch = (_input, init) =>
      new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)))
    const err = await rejection(new ApiClient({ url: 'http://127.0.0.1:9', token: 't', fetch: hang, timeoutMs: 50 }).call('node.status', {}))
    expect(err.code).toBe('unavailable')
  })

  it('rejects an answer that is not the contract shape', async () => {
    const liar: typeof fetch = async () => new Response(JSON.stringify({ vault: 'open' }), { status: 200 })
    const err = await rejection(new ApiClient({ url: 'http://x', token: 't', fetch: liar }).call('node.status', {}))
    expect(err.code).toBe('internal')
    expect(err.message).toMatch(/unexpected shape/)
  })

  it('fromDataDir: unavailable without api.json or when its process is gone; invalid_input when it is malformed', async () => {
    const dir = await tempDir()
    try {
      const none = await rejection(ApiClient.fromDataDir(dir))
      expect(none.code).toBe('unavailable')
      expect(none.message).toBe(`no peer is running on ${dir}; start it with bzzz peer --data-dir ${dir}`)
      await writeFile(join(dir, API_INFO_FILE), 'not json')
      expect((await rejection(ApiClient.fromDataDir(dir))).code).toBe('invalid_input')
      await writeApiInfo(dir, { url: 'http://127.0.0.1:1', pid: 2 ** 22 + 12345 })
      const gone = await rejection(ApiClient.fromDataDir(dir))
      expect(gone.code).toBe('unavailable')
      expect(gone.message).toMatch(/is not running any more/)
      await writeApiInfo(dir, { url: 'http://127.0.0.1:1', pid: process.pid })
      expect((await rejection(ApiClient.fromDataDir(dir))).message).toMatch(/has no api-token/)
      await removeApiInfo(dir, process.pid + 1)
      expect(await readApiInfo(dir)).toBeDefined()
      await removeApiInfo(dir)
      expect(await readApiInfo(dir)).toBeUndefined()
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})

describe('API token file', () => {
  it('creates a 32-byte base64url token with mode 0600 once, then reads it back', async () => {
    const dir = await tempDir()
    try {
      const token = await loadOrCreateApiToken(dir)
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/)
      expect(Buffer.from(token, 'base64url')).toHaveLength(32)
      if (process.platform !== 'win32') expect((await stat(join(dir, API_TOKEN_FILE))).mode & 0o777).toBe(0o600)
      expect(await loadOrCreateApiToken(dir)).toBe(token)
      expect((await readFile(join(dir, API_TOKEN_FILE), 'utf8')).trim()).toBe(token)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('gives every concurrent creator the same token', async () => {
    const dir = await tempDir()
    try {
      const tokens = await Promise.all(Array.from({ length: 8 }, () => loadOrCreateApiToken(dir)))
      expect(new Set(tokens).size).toBe(1)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('refuses an empty or malformed token file and says to delete it', async () => {
    const dir = await tempDir()
    try {
      expect(await readApiToken(dir)).toBeUndefined()
      await writeFile(join(dir, API_TOKEN_FILE), '')
      const empty = await rejection(loadOrCreateApiToken(dir))
      expect(empty.code).toBe('invalid_input')
      expect(empty.message).toMatch(/is empty; delete it/)
      await writeFile(join(dir, API_TOKEN_FILE), 'short token!\n')
      const bad = await rejection(loadOrCreateApiToken(dir))
      expect(bad.code).toBe('invalid_input')
      expect(bad.message).toMatch(/is malformed.*delete it/)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
