process.env.BZZZ_SCRYPT_LOG_N = '12'

import { mkdtemp, rm } from 'node:fs/promises'
import { request as httpRequest } from 'node:http'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LIMITS } from '../../../src-shared/decisions.ts'
import { BzzzError } from '../../../src-shared/errors.ts'
import { Peer } from '../../core/peer.ts'
import { VERSION } from '../../core/version.ts'
import { startHttpApi, type HttpApiHandle } from './server.ts'

const TOKEN = 'test-token-0123456789abcdefghijklmnopqrstuvw'

interface Running {
  peer: Peer
  api: HttpApiHandle
  dir: string
  logs: Record<string, unknown>[]
}

async function start(extra: Partial<Parameters<typeof startHttpApi>[0]> = {}): Promise<Running> {
  const dir = await mkdtemp(join(tmpdir(), 'bzzz-http-'))
  const peer = await Peer.open({ dataDir: dir, command: 'test' })
  const logs: Record<string, unknown>[] = []
  const api = await startHttpApi({ peer, host: '127.0.0.1', port: 0, token: TOKEN, log: (l) => logs.push(l), ...extra })
  return { peer, api, dir, logs }
}

async function stop(r: Running): Promise<void> {
  await r.api.close()
  await r.peer.close()
  await rm(r.dir, { recursive: true, force: true })
}

const auth = { Authorization: `Bearer ${TOKEN}` }
const jsonAuth = { ...auth, 'Content-Type': 'application/json' }

async function call(r: Running, method: string, path: string, opts: { body?: unknown; headers?: Record<string, string> } = {}) {
  const res = await fetch(`${r.api.url}${path}`, {
    method,
    headers: opts.headers ?? (opts.body === undefined ? auth : jsonAuth),
    ...(opts.body === undefined ? {} : { body: typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body) }),
  })
  const text = await res.text()
  return { status: res.status, headers: res.headers, json: JSON.parse(text) as Record<string, any> }  
}

/** Writes raw bytes to the server and returns what comes back before the server closes (or `ms` passes). */
function raw(port: number, text: string, ms = 3000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    let out = ''
    const timer = setTimeout(() => {
      socket.destroy()
      resolve(out)
    }, ms)
    socket.on('data', (d) => (out += d.toString('utf8')))
    socket.on('close', () => {
      clearTimeout(timer)
      resolve(out)
    })
    socket.on('error', (err) => {
      clearTimeout(timer)
      if (out.length > 0) resolve(out)
      else reject(err)
    })
    socket.write(text)
  })
}

describe('HTTP API: transport rules', () => {
  let r: Running
  beforeAll(async () => {
    r = await start()
  })
  afterAll(async () => stop(r))

  it('binds to the given host and reports its port', () => {
    expect(r.api.url).toBe(`http://127.0.0.1:${r.api.port}`)
    expect(r.api.port).toBeGreaterThan(0)
    expect(r.api.server.address()).toMatchObject({ address: '127.0.0.1', port: r.api.port })
  })

  it('answers GET /health without a token, with liveness only', async () => {
    const res = await call(r, 'GET', '/health', { headers: {} })
    expect(res.status).toBe(200)
    expect(res.json).toEqual({ status: 'ok', version: VERSION, uptimeSeconds: expect.any(Number) })
    expect((await call(r, 'POST', '/health', { headers: {} })).status).toBe(405)
  })

  it('refuses calls without the token, with a wrong token, and with the token in the query string', async () => {
    for (const headers of [{}, { Authorization: 'Bearer wrong-token' }, { Authorization: `Basic ${TOKEN}` }, { Authorization: `Bearer ${TOKEN}x` }] as Record<string, string>[]) {
      const res = await call(r, 'GET', '/api/status', { headers })
      expect(res.status, JSON.stringify(headers)).toBe(401)
      expect(res.json.error.code).toBe('unauthenticated')
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/)
    }
    const inQuery = await call(r, 'GET', `/api/status?token=${TOKEN}`, { headers: {} })
    expect(inQuery.status).toBe(401)
    expect(inQuery.json.error.message).toMatch(/Authorization header/)
    // Even with a good header, a credential in the URL is refused rather than silently ignored.
    const both = await call(r, 'GET', `/api/status?access_token=${TOKEN}`)
    expect(both.status).toBe(401)
    // Unknown routes are not revealed to callers without the token.
    expect((await call(r, 'GET', '/api/nope', { headers: {} })).status).toBe(401)
  })

  it('answers an unknown route with 404 naming method and path, and a wrong method with 405 and Allow', async () => {
    const missing = await call(r, 'GET', '/api/nope?x=1')
    expect(missing.status).toBe(404)
    expect(missing.json.error).toEqual({ code: 'not_found', message: 'no route for GET /api/nope' })
    expect((await call(r, 'GET', '/api/status/')).status).toBe(404)
    const wrong = await call(r, 'DELETE', '/api/status')
    expect(wrong.status).toBe(405)
    expect(wrong.headers.get('allow')).toBe('GET')
    expect(wrong.json.error.code).toBe('invalid_input')
    expect(wrong.json.error.message).toMatch(/DELETE is not allowed on \/api\/status; use GET/)
    const wrongRest = await call(r, 'POST', '/api/decisions/content/alice/architect/p/t/n1', { body: {} })
    expect(wrongRest.status).toBe(405)
    expect(wrongRest.headers.get('allow')).toBe('GET')
  })

  it('sets the security headers on every response, errors included', async () => {
    for (const [method, path, headers] of [['GET', '/health', {}], ['GET', '/api/status', auth], ['GET', '/api/status', {}], ['GET', '/nope', auth]] as const) {
      const res = await fetch(`${r.api.url}${path}`, { method, headers })
      await res.text()
      expect(res.headers.get('content-type'), path).toBe('application/json; charset=utf-8')
      expect(res.headers.get('x-content-type-options')).toBe('nosniff')
      expect(res.headers.get('cache-control')).toBe('no-store')
      expect(res.headers.get('access-control-allow-origin')).toBeNull()
    }
  })

  it('refuses malformed JSON, non-JSON content types and non-object bodies with 400', async () => {
    const bad = await call(r, 'POST', '/api/network', { body: '{"networkName": "acme",' })
    expect(bad.status).toBe(400)
    expect(bad.json.error).toMatchObject({ code: 'invalid_input', message: expect.stringMatching(/not valid JSON/) })
    const form = await call(r, 'POST', '/api/network', { body: 'networkName=acme', headers: { ...auth, 'Content-Type': 'application/x-www-form-urlencoded' } })
    expect(form.status).toBe(400)
    expect(form.json.error.message).toMatch(/Content-Type 'application\/x-www-form-urlencoded' is not supported/)
    const noType = await call(r, 'POST', '/api/network', { body: '{}', headers: { ...auth, 'Content-Type': '' } })
    expect(noType.status).toBe(400)
    const array = await call(r, 'POST', '/api/network', { body: '[1]' })
    expect(array.status).toBe(400)
    expect(array.json.error.message).toMatch(/JSON object/)
  })

  it('names the bad field of an invalid input', async () => {
    const res = await call(r, 'POST', '/api/network', { body: { networkName: 'acme', memberName: 'bad name!', passphrase: 'passphrase-1' } })
    expect(res.status).toBe(400)
    expect(res.json.error.code).toBe('invalid_input')
    expect(res.json.error.message).toMatch(/^network\.create: memberName: /)
    const extra = await call(r, 'GET', '/api/status?verbose=1')
    expect(extra.status).toBe(400)
    expect(extra.json.error.message).toMatch(/verbose/)
  })

  it('refuses an oversized body with 413 before reading it all', async () => {
    const big = JSON.stringify({ plaintext: 'x'.repeat(LIMITS.requestBytes + 1024), role: 'observer' })
    const res = await call(r, 'POST', '/api/crypto/encrypt', { body: big })
    expect(res.status).toBe(413)
    expect(res.json.error.code).toBe('too_large')
    expect(res.json.error.message).toMatch(/524288 bytes/)
  })

  it('refuses a lying Content-Length up front, without waiting for the body', async () => {
    const t0 = Date.now()
    const answer = await raw(r.api.port, `POST /api/crypto/encrypt HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Type: application/json\r\nContent-Length: 999999999\r\n\r\n{"role":`)
    expect(answer).toMatch(/^HTTP\/1\.1 413 /)
    expect(answer).toMatch(/"code":"too_large"/)
    expect(answer.toLowerCase()).toContain('connection: close')
    expect(Date.now() - t0).toBeLessThan(2500)
    // Without the token the body is not read either: 401, and the connection closes instead of draining it.
    const t1 = Date.now()
    const anon = await raw(r.api.port, 'POST /api/crypto/encrypt HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 999999999\r\n\r\n{')
    expect(anon).toMatch(/^HTTP\/1\.1 401 /)
    expect(anon.toLowerCase()).toContain('connection: close')
    expect(Date.now() - t1).toBeLessThan(2500)
  })

  it('stops reading a chunked body as soon as it passes the limit', async () => {
    const { status, body, sent } = await new Promise<{ status: number; body: string; sent: number }>((resolve, reject) => {
      const req = httpRequest(`${r.api.url}/api/crypto/encrypt`, { method: 'POST', headers: jsonAuth })
      let sent = 0
      const chunk = Buffer.alloc(64 * 1024, 'a')
      const pump = (): void => {
        // Up to 8 MiB: far more than the limit; the server must answer long before.
        while (sent < 8 * 1024 * 1024) {
          sent += chunk.length
          if (!req.write(chunk)) {
            req.once('drain', pump)
            return
          }
        }
        req.end()
      }
      req.on('response', (res) => {
        let text = ''
        res.on('data', (d: Buffer) => (text += d.toString()))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, sent }))
      })
      req.on('error', reject)
      req.write('{"role":"observer","plaintext":"')
      pump()
    })
    expect(status).toBe(413)
    expect(JSON.parse(body).error.code).toBe('too_large')
    expect(sent).toBeLessThan(8 * 1024 * 1024)
  })

  it('answers malformed HTTP with a JSON 400', async () => {
    const answer = await raw(r.api.port, 'GARBAGE\r\n\r\n')
    expect(answer).toMatch(/^HTTP\/1\.1 400 /)
    expect(answer).toContain('"code":"invalid_input"')
  })

  it('coerces query strings by the input schema and names a bad field', async () => {
    const bad = await call(r, 'GET', '/api/decisions?limit=abc')
    expect(bad.status).toBe(400)
    expect(bad.json.error).toEqual({ code: 'invalid_input', message: "decisions.list: limit: 'abc' is not a number" })
    const badBool = await call(r, 'GET', '/api/decisions?includeLocked=yes')
    expect(badBool.status).toBe(400)
    expect(badBool.json.error.message).toMatch(/includeLocked/)
    const twice = await call(r, 'GET', '/api/decisions?limit=1&limit=2')
    expect(twice.status).toBe(400)
    expect(twice.json.error.message).toMatch(/limit: given 2 times/)
    const tooBig = await call(r, 'GET', '/api/decisions?limit=100000')
    expect(tooBig.status).toBe(400)
    expect(tooBig.json.error.message).toMatch(/^decisions\.list: limit/)
    // A valid query passes validation and reaches the access check: this peer has no identity yet.
    const valid = await call(r, 'GET', '/api/decisions?limit=5&includeLocked=false&type=decision')
    expect(valid.status).toBe(404)
    expect(valid.json.error.message).toMatch(/no identity yet/)
  })

  it('takes a rest parameter from the path, URL-decoded', async () => {
    const bad = await call(r, 'GET', '/api/decisions/content/alice/architect/p/t')
    expect(bad.status).toBe(400)
    expect(bad.json.error.message).toMatch(/^decisions\.get: address: .*expected 5 segments/)
    const encoded = await call(r, 'GET', `/api/decisions/content/${encodeURIComponent('ucxl://alice/architect/p/t/n1')}`)
    expect(encoded.json.error.code).not.toBe('invalid_input')
    const broken = await call(r, 'GET', '/api/decisions/content/alice/%E0%A4%A')
    expect(broken.status).toBe(400)
    expect(broken.json.error.message).toMatch(/percent-encoding/)
  })

  it('logs one line per request without bodies, tokens or query strings', async () => {
    r.logs.length = 0
    await call(r, 'GET', '/api/decisions?q=secret-query-text&limit=abc')
    await call(r, 'GET', `/api/status?token=${TOKEN}`, { headers: {} })
    await call(r, 'POST', '/api/network', { body: { networkName: 'acme', memberName: 'bad name', passphrase: 'secret-passphrase' } })
    await new Promise((res) => setTimeout(res, 50))
    expect(r.logs).toHaveLength(3)
    expect(r.logs[0]).toEqual({ method: 'GET', path: '/api/decisions', status: 400, ms: expect.any(Number), call: 'decisions.list' })
    expect(r.logs[1]).toMatchObject({ method: 'GET', path: '/api/status', status: 401 })
    expect(r.logs[2]).toMatchObject({ method: 'POST', path: '/api/network', status: 400, call: 'network.create' })
    const text = JSON.stringify(r.logs)
    for (const secret of [TOKEN, 'secret-query-text', 'secret-passphrase', '?', 'limit=']) expect(text).not.toContain(secret)
  })
})

describe('HTTP API: the CI/CD body on POST /api/decisions/code', () => {
  let r: Running
  beforeAll(async () => {
    r = await start()
    const created = await call(r, 'POST', '/api/network', { body: { networkName: 'acme', memberName: 'alice', passphrase: 'passphrase-1' } })
    expect(created.status).toBe(200)
  })
  afterAll(async () => stop(r))

  const ciBody = { task: 'ci_build_123', decision: 'Automated build completed', files_modified: ['a.go'], test_results: { passed: 10, failed: 0 }, success: true }

  it('accepts the seeds shape unchanged and hands it to dispatch as a publish input', async () => {
    const res = await call(r, 'POST', '/api/decisions/code', { body: ciBody })
    // The converted input passed validation and access and reached the handler: 201 once publishing works, 503
    // `unavailable` while decisions.publish has no handler (or no network) on this peer.
    expect(res.json.error?.code).not.toBe('invalid_input')
    expect([201, 503]).toContain(res.status)
    if (res.status === 503) {
      expect(res.json.error.code).toBe('unavailable')
      return
    }
    expect(res.json.header).toMatchObject({ type: 'code', audience: 'backend_dev', author: 'alice' })
    const read = await call(r, 'GET', `/api/decisions/content/${res.json.address as string}`)
    expect(read.status).toBe(200)
    expect(read.json.content).toMatchObject({ title: 'Automated build completed', code: { files_modified: ['a.go'], success: true } })
  })

  it('passes a valid list query through to dispatch once the member is unlocked', async () => {
    const res = await call(r, 'GET', '/api/decisions?limit=5&includeLocked=false&type=decision&pattern=**')
    // 503 unavailable while decisions.list has no handler; a 200 with items once it has.
    expect(res.json.error?.code).not.toBe('invalid_input')
    if (res.status === 200) expect(Array.isArray(res.json.items)).toBe(true)
    else expect(res.json.error.code).toBe('unavailable')
  })

  it('refuses a CI body whose field cannot be converted, naming the field', async () => {
    const badTask = await call(r, 'POST', '/api/decisions/code', { body: { ...ciBody, task: '###' } })
    expect(badTask.status).toBe(400)
    expect(badTask.json.error.message).toMatch(/task: '###' is empty/)
    const badFiles = await call(r, 'POST', '/api/decisions/code', { body: { ...ciBody, files_modified: 'a.go' } })
    expect(badFiles.status).toBe(400)
    expect(badFiles.json.error.message).toMatch(/files_modified/)
  })

  it('validates an ordinary publish body as the contract says, and refuses a type that contradicts the path', async () => {
    const noTitle = await call(r, 'POST', '/api/decisions/decision', { body: { audience: 'observer', project: 'p', task: 't' } })
    expect(noTitle.status).toBe(400)
    expect(noTitle.json.error.message).toMatch(/title/)
    const badType = await call(r, 'POST', '/api/decisions/bogus', { body: { title: 'x', audience: 'observer', project: 'p', task: 't' } })
    expect(badType.status).toBe(400)
    expect(badType.json.error.message).toMatch(/^decisions\.publish: type/)
    const clash = await call(r, 'POST', '/api/decisions/decision', { body: { type: 'architectural', title: 'x', audience: 'observer', project: 'p', task: 't' } })
    expect(clash.status).toBe(400)
    expect(clash.json.error.message).toMatch(/type is given by the path/)
  })
})

describe('HTTP API: a full flow through HTTP', () => {
  let r: Running
  beforeAll(async () => {
    r = await start()
  })
  afterAll(async () => stop(r))

  it('creates a network, reports status, round-trips crypto, lists members, locks the vault', async () => {
    const before = await call(r, 'GET', '/api/status')
    expect(before.status).toBe(200)
    expect(before.json).toMatchObject({ vault: 'absent', version: VERSION })

    const locked0 = await call(r, 'GET', '/api/members')
    expect(locked0.status).toBe(404)
    expect(locked0.json.error.code).toBe('not_found')

    const created = await call(r, 'POST', '/api/network', { body: { networkName: 'acme', memberName: 'alice', passphrase: 'passphrase-1' } })
    expect(created.status).toBe(200)
    expect(created.json).toMatchObject({ vault: 'unlocked', member: { id: 'alice', role: 'admin', networkName: 'acme' } })

    const again = await call(r, 'POST', '/api/network', { body: { networkName: 'acme', memberName: 'alice', passphrase: 'passphrase-1' } })
    expect(again.status).toBe(409)
    expect(again.json.error.code).toBe('conflict')

    const status = await call(r, 'GET', '/api/status')
    expect(status.json).toMatchObject({ vault: 'unlocked', version: VERSION, member: { name: 'alice' } })

    const enc = await call(r, 'POST', '/api/crypto/encrypt', { body: { role: 'backend_dev', plaintext: 'hello über team' } })
    expect(enc.status).toBe(200)
    expect(enc.json.armored).toMatch(/^-----BEGIN AGE ENCRYPTED FILE-----/)
    expect(enc.json.recipients).toEqual(expect.arrayContaining(['backend_dev', 'architect', 'admin']))
    const dec = await call(r, 'POST', '/api/crypto/decrypt', { body: { armored: enc.json.armored } })
    expect(dec.status).toBe(200)
    expect(dec.json).toEqual({ plaintext: 'hello über team', role: expect.any(String) })

    const members = await call(r, 'GET', '/api/members')
    expect(members.status).toBe(200)
    expect(members.json.members).toHaveLength(1)
    expect(members.json.members[0]).toMatchObject({ id: 'alice', role: 'admin' })

    const lock = await call(r, 'POST', '/api/vault/lock')
    expect(lock.status).toBe(200)
    expect(lock.json.vault).toBe('locked')
    const afterLock = await call(r, 'GET', '/api/members')
    expect(afterLock.status).toBe(503)
    expect(afterLock.json.error.code).toBe('locked')
    const openStill = await call(r, 'GET', '/api/status')
    expect(openStill.status).toBe(200)

    const wrong = await call(r, 'POST', '/api/vault/unlock', { body: { passphrase: 'wrong-passphrase' } })
    expect(wrong.status).toBe(401)
    expect(wrong.json.error.code).toBe('unauthenticated')
    const unlocked = await call(r, 'POST', '/api/vault/unlock', { body: { passphrase: 'passphrase-1' } })
    expect(unlocked.json.vault).toBe('unlocked')
  })
})

describe('HTTP API: extra routes and shutdown', () => {
  it('mounts extra handlers by prefix behind the token unless public, and closes cleanly', async () => {
    const r = await start({
      extraRoutes: [
        {
          prefix: '/metrics',
          public: true,
          handle: (_req, res) => {
            res.setHeader('Content-Type', 'text/plain; version=0.0.4')
            res.end('bzzz_up 1\n')
          },
        },
        {
          prefix: '/private/',
          handle: (req, res) => {
            res.end(JSON.stringify({ path: req.url }))
          },
        },
      ],
    })
    try {
      const metrics = await fetch(`${r.api.url}/metrics`)
      expect(metrics.status).toBe(200)
      expect(await metrics.text()).toBe('bzzz_up 1\n')
      expect(metrics.headers.get('x-content-type-options')).toBe('nosniff')
      expect((await fetch(`${r.api.url}/private/x`)).status).toBe(401)
      const ok = await fetch(`${r.api.url}/private/x`, { headers: auth })
      expect(await ok.json()).toEqual({ path: '/private/x' })
      expect((await fetch(`${r.api.url}/privatex`, { headers: auth })).status).toBe(404)
    } finally {
      await stop(r)
    }
    await expect(fetch(`${r.api.url}/health`)).rejects.toThrow()
  })

  it('refuses a port in use with conflict', async () => {
    const r = await start()
    try {
      await expect(startHttpApi({ peer: r.peer, host: '127.0.0.1', port: r.api.port, token: TOKEN })).rejects.toMatchObject({ code: 'conflict' })
    } finally {
      await stop(r)
    }
  })
})

describe('HTTP API: errors from the core', () => {
  let r: Running
  beforeAll(async () => {
    r = await start({
      handlers: {
        'node.status': async () => {
          throw new BzzzError('rate_limited', 'too many calls; wait a moment', { retryAfter: 7 })
        },
        'network.create': async () => {
          throw new Error('disk exploded at /secret/path')
        },
      },
    })
  })
  afterAll(async () => stop(r))

  it('answers a rate-limited call with 429 and Retry-After', async () => {
    const res = await call(r, 'GET', '/api/status')
    expect(res.status).toBe(429)
    expect(res.headers.get('retry-after')).toBe('7')
    expect(res.json.error).toEqual({ code: 'rate_limited', message: 'too many calls; wait a moment', retryAfter: 7 })
  })

  it('answers an unexpected failure with 500 and no internals, and logs it', async () => {
    r.logs.length = 0
    const res = await call(r, 'POST', '/api/network', { body: { networkName: 'acme', memberName: 'alice', passphrase: 'passphrase-1' } })
    expect(res.status).toBe(500)
    expect(res.json).toEqual({ error: { code: 'internal', message: 'internal error; see the peer log for details' } })
    await new Promise((res2) => setTimeout(res2, 20))
    expect(r.logs).toContainEqual({ level: 'error', call: 'network.create', error: 'Error: disk exploded at /secret/path' })
    expect(JSON.stringify(r.logs)).not.toContain('passphrase-1')
  })
})
