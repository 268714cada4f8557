// Fuzzing the HTTP API (src-main/api/http/) as `bzzz peer` serves it (startApiServer on 127.0.0.1:0, an unlocked
// admin): random and near-valid paths, methods, headers, query strings and bodies, sent with fetch. Every answer comes
// within a bound, is JSON, and is a 4xx with { error: { code, message } } for anything the contract refuses, never a
// 5xx (the peer runs, alone, so no call is unavailable); and the server keeps serving afterwards.
process.env.BZZZ_SCRYPT_LOG_N = '12'

import fc from 'fast-check'
import { mkdtemp, rm } from 'node:fs/promises'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CALL_NAMES } from '../../src-shared/contract/calls.ts'
import { HTTP_STATUS, type ErrorCode } from '../../src-shared/errors.ts'
import { LIMITS } from '../../src-shared/decisions.ts'
import { buildRequest, ROUTES } from '../../src-main/api/http/routes.ts'
import { startApiServer, type ApiServer } from '../../src-main/api/serve.ts'
import { Peer } from '../../src-main/core/peer.ts'
import { fuzzHandlers, unlimitedRates } from './api-fixture.ts'
import { CALL_EXAMPLES, inputFor } from './contract-examples.ts'
import { expectErrorBody, expectNoPrototypePollution, fuzz, hugeString, mutatedString, nastyFragment, weirdString, within } from './fuzz.ts'

const TOKEN = 'fuzz-http-token-0123456789abcdefghijklmnopqrstu'
const PASSPHRASE = 'passphrase-1'

/** Calls that would change what the rest of the run sees (lock the vault, rotate keys) answer from a stub. */

let peer: Peer
let api: ApiServer
let dir: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bzzz-fuzz-http-'))
  peer = await Peer.open({ dataDir: dir, command: 'fuzz', config: { mdns: false, listen: ['/ip4/127.0.0.1/tcp/0'] } })
  await peer.createNetwork({ networkName: 'acme', memberName: 'alice', passphrase: PASSPHRASE })
  // The network runs (alone), so debug, election, custody and invites reach their real handlers.
  await peer.start()
  const handlers = fuzzHandlers()
  const unlimited = unlimitedRates()
  api = await startApiServer({ peer, host: '127.0.0.1', port: 0, token: TOKEN, handlers, rateLimiter: unlimited, logger: () => undefined, log: () => undefined })
})

afterAll(async () => {
  await api?.close()
  await peer?.close()
  if (dir !== undefined) await rm(dir, { recursive: true, force: true })
})

const EXTRA_PREFIXES = ['/metrics', '/ready', '/api/mcp', '/api/graphql', '/api/openapi.json']
const isExtra = (path: string): boolean => EXTRA_PREFIXES.some((p) => path === p || path.startsWith(`${p}/`))

interface Req {
  method: string
  path: string
  headers: Record<string, string>
  body?: string | Uint8Array
}

const auth = fc.oneof(
  { weight: 8, arbitrary: fc.constant(`Bearer ${TOKEN}`) },
  { weight: 1, arbitrary: fc.constantFrom(undefined, 'Bearer', `Basic ${TOKEN}`, `Bearer ${TOKEN} x`, `bearer   ${TOKEN}`, 'Bearer wrong', `Bearer ${TOKEN}x`) },
  { weight: 1, arbitrary: mutatedString(fc.constant(`Bearer ${TOKEN}`)) },
)
const contentType = fc.oneof(
  { weight: 6, arbitrary: fc.constant('application/json') },
  { weight: 2, arbitrary: fc.constantFrom(undefined, 'text/plain', 'application/json; charset=latin1', 'APPLICATION/JSON', 'application/jsonx', 'multipart/form-data; boundary=x', '') },
  { weight: 1, arbitrary: mutatedString(fc.constant('application/json')) },
)
const headerName = fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/).filter((h) => !['host', 'content-length', 'transfer-encoding', 'connection', 'authorization', 'content-type', 'upgrade', 'expect', 'te', 'trailer', 'keep-alive'].includes(h))
const headerValue = fc.string({ unit: fc.constantFrom(...'abcXYZ019 -_./:;=,"*()[]{}%'.split('')), maxLength: 60 })

const body = (input: unknown): fc.Arbitrary<string | Uint8Array | undefined> =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constant(input).map((v) => JSON.stringify(v) ?? 'null') },
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: weirdString },
    { weight: 1, arbitrary: mutatedString(fc.constant(JSON.stringify(input) ?? '{}')) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }) },
    { weight: 1, arbitrary: fc.constantFrom('[]', 'null', '"x"', '1', '{"__proto__":{"polluted":true}}', '{"constructor":{"prototype":{"polluted":1}}}', '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]') },
    { weight: 1, arbitrary: fc.constant(`{"plaintext":"${'x'.repeat(LIMITS.requestBytes)}","role":"observer"}`) },
  )

/** A request for a contract call built as the typed client would, from a valid, mutated or garbage input. */
const callRequest: fc.Arbitrary<Req> = fc.constantFrom(...CALL_NAMES).chain((name) =>
  fc.tuple(inputFor(CALL_EXAMPLES[name]), auth, contentType, fc.dictionary(headerName, headerValue, { maxKeys: 3 })).chain(([input, a, ct, extra]) => {
    let built: { method: string; pathAndQuery: string; body?: string }
    try {
      built = buildRequest(name, input)
    } catch {
      // The input cannot be put in a URL (an object for a path parameter): send the example's route with a JSON body.
      built = { ...buildRequest(name, CALL_EXAMPLES[name]), body: JSON.stringify(input) ?? 'null' }
    }
    const headers: Record<string, string> = { ...extra }
    if (a !== undefined) headers.authorization = a
    if (ct !== undefined) headers['content-type'] = ct
    const hasBody = built.method === 'POST' || built.method === 'PUT' || built.method === 'DELETE'
    return (hasBody ? body(input) : fc.constant(undefined)).map((b): Req => ({ method: built.method, path: built.pathAndQuery, headers, ...(b === undefined ? {} : { body: b }) }))
  }),
)

/** The seeds' CI/CD body on POST /api/decisions/code (ci-compat.ts), near-valid. */
const CI_BODY = { task: 'ci_build_123', decision: 'Automated build completed', files_modified: ['a.go'], test_results: { passed: 10, failed: 0 }, success: true, project: 'ci', tags: ['ci'] }
const ciRequest: fc.Arbitrary<Req> = inputFor(CI_BODY).map((b) => ({
  method: 'POST',
  path: '/api/decisions/code',
  headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
  body: JSON.stringify(b) ?? 'null',
}))

/** A path and query of any shape: mutated route paths, traversal, percent-encoding, token-like and prototype keys. */
const rawRequest: fc.Arbitrary<Req> = fc
  .tuple(
    fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'),
    fc.oneof(
      mutatedString(fc.constantFrom(...ROUTES.map((r) => r.path.replace(/[:*](\w+)/g, 'x')), '/health', '/api', '/api/events', ...EXTRA_PREFIXES)),
      fc.array(fc.oneof(nastyFragment, weirdString), { maxLength: 6 }).map((p) => `/${p.join('/')}`),
    ),
    fc.oneof(fc.constant(''), fc.array(fc.tuple(fc.oneof(nastyFragment, fc.constantFrom('limit', 'limit', 'token', 'Access_Token', '__proto__', 'constructor', 'q', 'pattern'), hugeString(4000)), fc.oneof(weirdString, hugeString(4000))), { maxLength: 4 }).map((kv) => `?${kv.map(([k, v]) => `${k}=${v}`).join('&')}`)),
    auth,
    contentType,
    fc.option(weirdString, { nil: undefined }),
  )
  .map(([method, path, query, a, ct, b]): Req => {
    const headers: Record<string, string> = {}
    if (a !== undefined) headers.authorization = a
    if (ct !== undefined) headers['content-type'] = ct
    return { method, path: path + query, headers, ...(b === undefined || method === 'GET' ? {} : { body: b }) }
  })

interface Answer {
  status: number
  pathname: string
  contentType: string | null
  text: string
}

async function send(req: Req): Promise<Answer | undefined> {
  let url: URL
  try {
    url = new URL(req.path, api.url)
  } catch {
    return undefined // not a URL fetch can send
  }
  if (url.host !== new URL(api.url).host) return undefined
  let headers: Headers
  try {
    headers = new Headers(req.headers)
  } catch {
    return undefined // a header fetch refuses to send
  }
  let res: Response
  try {
    res = await fetch(url, { method: req.method, headers, ...(req.body === undefined ? {} : { body: typeof req.body === 'string' ? req.body : new Uint8Array(req.body) }), redirect: 'manual', signal: AbortSignal.timeout(10_000) })
  } catch (err) {
    // undici refuses some headers itself (an invalid Content-Type); a connection the server dropped still fails.
    if ((err as { cause?: { code?: string } }).cause?.code === 'UND_ERR_INVALID_ARG') return undefined
    throw err
  }
  return { status: res.status, pathname: url.pathname, contentType: res.headers.get('content-type'), text: await res.text() }
}

function check(req: Req, a: Answer): void {
  const what = `${req.method} ${req.path.slice(0, 120)} -> ${a.status} ${a.text.slice(0, 200)}`
  expect(a.status, what).toBeLessThan(500)
  if (isExtra(a.pathname) && a.status < 400) return // MCP, GraphQL, metrics, OpenAPI answer in their own formats
  expect(a.contentType, what).toBe('application/json; charset=utf-8')
  const json = JSON.parse(a.text) as { error?: { code: ErrorCode; message: string } }
  if (a.status < 400 || isExtra(a.pathname)) return
  expectErrorBody(json.error, what)
  const code = json.error!.code
  expect([HTTP_STATUS[code], 405, 431], what).toContain(a.status)
}

async function stillServing(): Promise<void> {
  const health = await fetch(`${api.url}/health`, { signal: AbortSignal.timeout(5000) })
  expect(health.status).toBe(200)
  await health.text()
  const status = await fetch(`${api.url}/api/status`, { headers: { authorization: `Bearer ${TOKEN}` }, signal: AbortSignal.timeout(5000) })
  expect(status.status).toBe(200)
  expect(await status.json()).toMatchObject({ vault: 'unlocked', member: { id: 'alice' } })
}

/** Writes raw bytes, half-closes, and returns what the server answers before it closes (or `ms` passes). */
function rawExchange(bytes: Uint8Array, ms = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(api.port, '127.0.0.1')
    const chunks: Buffer[] = []
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new Error(`hang: no answer and no close within ${ms} ms`))
    }, ms)
    socket.on('data', (d: Buffer) => chunks.push(d))
    socket.on('close', () => {
      clearTimeout(timer)
      resolve(Buffer.concat(chunks).toString('latin1'))
    })
    socket.on('error', () => undefined) // a reset after the answer is fine; 'close' follows
    socket.end(bytes)
  })
}

const rawLine = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('GET /api/status HTTP/1.1', 'GET /api/decisions?limit=5&pattern=** HTTP/1.1', 'POST /api/crypto/encrypt HTTP/1.1', 'DELETE /api/members/bob HTTP/1.1', 'PUT /api/config HTTP/1.1') },
  fc.constantFrom('GET /api/status HTTP/1.1', 'POST /api/crypto/encrypt HTTP/1.1', 'GET /health HTTP/1.1', 'GET / HTTP/1.0', 'GARBAGE', '', 'GET /api/status HTTP/9.9', 'GET  HTTP/1.1'),
  mutatedString(fc.constant('GET /api/decisions?limit=5 HTTP/1.1')),
  weirdString,
)
const rawHeader = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('Host: x', `Authorization: Bearer ${TOKEN}`, 'Content-Type: application/json', 'Content-Length: 5', 'Content-Length: -1', 'Content-Length: 5, 6', 'Transfer-Encoding: chunked', 'Transfer-Encoding: gzip, chunked', 'Expect: 100-continue', 'Connection: upgrade', 'Upgrade: websocket') },
  mutatedString(fc.constant(`Authorization: Bearer ${TOKEN}`)),
  fc.tuple(weirdString, weirdString).map(([k, v]) => `${k}: ${v}`),
  fc.integer({ min: 1000, max: 40_000 }).map((n) => `X-Big: ${'a'.repeat(n)}`),
)
const rawRequestBytes = fc
  .tuple(rawLine, fc.array(rawHeader, { maxLength: 6 }), fc.oneof(fc.constant(''), weirdString, fc.constantFrom('{"role":"observer","plaintext":"x"}', '5\r\nhello\r\n0\r\n\r\n', 'zz\r\nxx\r\n')), fc.uint8Array({ maxLength: 40 }), fc.boolean(), fc.integer({ min: 0, max: 9 }))
  .map(([line, extra, body, junk, withJunk, plain]) => {
    // Mostly a request Node can parse (Host, the token), so the answers are not all the parser's own 400.
    const headers = plain < 7 ? ['Host: x', `Authorization: Bearer ${TOKEN}`, ...extra] : extra
    const text = `${line}\r\n${headers.join('\r\n')}${headers.length > 0 ? '\r\n' : ''}\r\n${body}`
    const head = Buffer.from(text, 'utf8')
    return withJunk ? Buffer.concat([head, junk]) : head
  })

describe('fuzz: the HTTP API', () => {
  it('answers contract calls with near-valid and garbage inputs: 4xx JSON errors, never 5xx, never a hang', async () => {
    const seen = { ok: 0, clientError: 0 }
    await fc.assert(
      fc.asyncProperty(fc.oneof({ weight: 9, arbitrary: callRequest }, { weight: 1, arbitrary: ciRequest }), async (req) => {
        const a = await within(15_000, `${req.method} ${req.path.slice(0, 80)}`, send(req))
        if (a === undefined) return
        check(req, a)
        expectNoPrototypePollution()
        if (a.status < 400) seen.ok++
        else if (a.status < 500) seen.clientError++
      }),
      fuzz('http contract calls', 150),
    )
    await stillServing()
    expect(seen.ok).toBeGreaterThan(0)
    expect(seen.clientError).toBeGreaterThan(seen.ok)
  })

  it('answers any path, method, query and header: 4xx JSON errors, never 5xx, never a hang', async () => {
    const seen = { sent: 0, skipped: 0 }
    await fc.assert(
      fc.asyncProperty(rawRequest, async (req) => {
        const a = await within(15_000, `${req.method} ${req.path.slice(0, 80)}`, send(req))
        seen[a === undefined ? 'skipped' : 'sent']++
        if (a === undefined) return
        check(req, a)
        expectNoPrototypePollution()
      }),
      fuzz('http raw requests', 150),
    )
    expect(seen.sent).toBeGreaterThan(seen.skipped * 4)
    await stillServing()
  })

  it('answers malformed HTTP on a raw socket with a JSON 4xx (or closes), never a 5xx, never a hang', async () => {
    await fc.assert(
      fc.asyncProperty(rawRequestBytes, async (bytes) => {
        const answer = await rawExchange(bytes)
        if (answer.length === 0) return // closed without an answer: an empty or cut-off request
        const what = `${JSON.stringify(Buffer.from(bytes).toString('latin1').slice(0, 120))} -> ${answer.slice(0, 200)}`
        // Several requests may be pipelined in the bytes: every answer must be fine.
        const statuses = [...answer.matchAll(/HTTP\/1\.[01] (\d{3}) /g)].map((m) => Number(m[1]))
        expect(statuses.length, what).toBeGreaterThan(0)
        expect(answer.startsWith('HTTP/1.'), what).toBe(true)
        for (const status of statuses) expect(status, what).toBeLessThan(500)
      }),
      fuzz('http raw sockets', 60),
    )
    await stillServing()
  })

  it('regression: a query parameter named __proto__ is refused as unknown, not silently dropped', async () => {
    for (const path of ['/api/status?__proto__=x', '/api/decisions?__proto__=1&limit=5']) {
      const a = (await send({ method: 'GET', path, headers: { authorization: `Bearer ${TOKEN}` } }))!
      expect(a.status, path).toBe(400)
      expect(JSON.parse(a.text).error.message, path).toMatch(/__proto__/)
    }
    expectNoPrototypePollution()
  })
})
