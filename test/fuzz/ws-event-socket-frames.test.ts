// Fuzzing the WebSocket event socket (src-main/api/ws/event-socket.ts) as `bzzz peer` serves it: random upgrade
// requests, random frames before authentication (only the right token opens the socket; anything else closes it
// with 4401 and answers no call), and random frames after it (each gets exactly one well-formed answer with a code of
// the fixed set, never 'internal'; the socket keeps serving).
process.env.BZZZ_SCRYPT_LOG_N = '12'

import fc from 'fast-check'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CALL_NAMES } from '../../src-shared/contract/calls.ts'
import { startApiServer, type ApiServer } from '../../src-main/api/serve.ts'
import { CLOSE } from '../../src-main/api/ws/event-socket.ts'
import { Peer } from '../../src-main/core/peer.ts'
import { refusalOf, WsTestClient } from '../helpers/ws.ts'
import { fuzzHandlers, unlimitedRates } from './api-fixture.ts'
import { CALL_EXAMPLES, inputFor } from './contract-examples.ts'
import { expectErrorBody, expectNoPrototypePollution, fuzz, mutatedString, nastyFragment, weirdString, weirdValue, within } from './fuzz.ts'

const TOKEN = 'fuzz-ws-token-0123456789abcdefghijklmnopqrstuvw'
const MAX_MESSAGE = 16 * 1024

let peer: Peer
let api: ApiServer
let dir: string
let url: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bzzz-fuzz-ws-'))
  peer = await Peer.open({ dataDir: dir, command: 'fuzz', config: { mdns: false, listen: ['/ip4/127.0.0.1/tcp/0'] } })
  await peer.createNetwork({ networkName: 'acme', memberName: 'alice', passphrase: 'passphrase-1' })
  await peer.start()
  const handlers = fuzzHandlers()
  const unlimited = unlimitedRates()
  api = await startApiServer({ peer, host: '127.0.0.1', port: 0, token: TOKEN, handlers, rateLimiter: unlimited, logger: () => undefined, wsLimits: { authTimeoutMs: 2000, maxMessageBytes: MAX_MESSAGE } })
  url = `ws://127.0.0.1:${api.port}/api/events`
})

afterAll(async () => {
  await api?.close()
  await peer?.close()
  if (dir !== undefined) await rm(dir, { recursive: true, force: true })
})

/** Percent-encoding that never throws (encodeURIComponent does on a lone surrogate). */
const escape = (s: string): string => encodeURIComponent(s.replace(/\p{Cs}/gu, '?'))

type Frame = { text: string } | { binary: Uint8Array }

const callFrame: fc.Arbitrary<string> = fc.constantFrom(...CALL_NAMES).chain((name) =>
  fc
    .tuple(fc.oneof(fc.string({ minLength: 1, maxLength: 20 }), fc.integer(), weirdValue), fc.oneof({ weight: 4, arbitrary: fc.constant(name) }, { weight: 1, arbitrary: mutatedString(fc.constant(name)) }, { weight: 1, arbitrary: weirdValue }), inputFor(CALL_EXAMPLES[name]), fc.boolean())
    .map(([id, call, args, withArgs]) => JSON.stringify(withArgs ? { id, call, args } : { id, call }) ?? 'null'),
)

/** Any frame a client could send: calls (near-valid and not), pings, garbage JSON and text, binary, oversized. */
const frame: fc.Arbitrary<Frame> = fc.oneof(
  { weight: 8, arbitrary: callFrame.map((text) => ({ text })) },
  { weight: 1, arbitrary: fc.constantFrom('{"type":"ping"}', '{"type":"ping","id":1}', '[1,2]', 'null', '{}', '{"id":1}', '{"__proto__":{"polluted":true},"id":"p","call":"node.status"}').map((text) => ({ text })) },
  { weight: 2, arbitrary: fc.oneof(weirdString, mutatedString(fc.constant('{"id":"1","call":"node.status","args":{}}')), fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? 'null')).map((text) => ({ text })) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((binary) => ({ binary })) },
  { weight: 1, arbitrary: fc.integer({ min: MAX_MESSAGE + 1, max: MAX_MESSAGE * 3 }).map((n) => ({ text: `{"id":"big","call":"crypto.encrypt","args":{"role":"observer","plaintext":"${'x'.repeat(n)}"}}` })) },
)

function send(c: WsTestClient, f: Frame): void {
  if ('text' in f) c.ws.send(f.text)
  else c.ws.send(f.binary, { binary: true })
}

function bytesOf(f: Frame): number {
  return 'text' in f ? Buffer.byteLength(f.text) : f.binary.length
}

/** The next message that is not an event (events may arrive at any time: a publish the fuzz made, a peer). */
function nextAnswer(c: WsTestClient, after: number, ms = 5000): Promise<any> {
  return c.next((m) => c.messages.indexOf(m) >= after && m.type !== 'event', ms)
}

function checkResult(result: any, what: string): void {
  expect(result, what).toMatchObject({ ok: expect.any(Boolean) })
  if (result.ok) return
  expectErrorBody(result.error, what)
  expect(result.error.code, what).not.toBe('internal')
}

describe('fuzz: the WebSocket event socket', () => {
  it('before authentication, anything but the right token closes the socket (4401) and answers no call', async () => {
    const authLike = fc.oneof(
      fc.constant(JSON.stringify({ type: 'auth', token: TOKEN })),
      mutatedString(fc.constant(JSON.stringify({ type: 'auth', token: TOKEN }))),
      fc.tuple(fc.oneof(fc.constant(TOKEN), mutatedString(fc.constant(TOKEN)), weirdValue), fc.dictionary(weirdString, weirdValue, { maxKeys: 2 })).map(([token, extra]) => JSON.stringify({ ...extra, type: 'auth', token }) ?? 'null'),
    )
    const first = fc.oneof({ weight: 3, arbitrary: authLike.map((text): Frame => ({ text })) }, { weight: 2, arbitrary: frame })
    const seen = { opened: 0, refused: 0 }
    await fc.assert(
      fc.asyncProperty(first, async (f) => {
        const c = await WsTestClient.open(url)
        try {
          send(c, f)
          if (bytesOf(f) > MAX_MESSAGE * 2) {
            // Over the frame limit: ws closes the socket (1009) before anything reads it.
            expect((await within(5000, 'close on a huge frame', c.closed)).code).toBe(1009)
            return
          }
          const m = await within(5000, 'first answer', c.next(() => true, 5000))
          let msg: any
          try {
            msg = 'text' in f ? JSON.parse(f.text) : undefined
          } catch {
            msg = undefined
          }
          const rightToken = typeof msg === 'object' && msg !== null && !Array.isArray(msg) && msg.type === 'auth' && typeof msg.token === 'string' && msg.token.replace(/^ +| +$/g, '') === TOKEN
          if (m.type === 'ready') {
            expect(rightToken, `opened by ${JSON.stringify(f).slice(0, 200)}`).toBe(true)
            seen.opened++
            return
          }
          expect(m).toMatchObject({ type: 'error', error: { code: 'unauthenticated' } })
          if (msg?.type === 'auth' && msg?.token === TOKEN) throw new Error('the right token was refused')
          const closed = await within(3000, 'close after a refused first message', c.closed)
          expect(closed.code).toBe(CLOSE.unauthenticated)
          expect(c.messages.some((x) => x.id !== undefined)).toBe(false)
          seen.refused++
        } finally {
          c.close()
        }
      }),
      fuzz('ws before auth', 60),
    )
    expect(seen.opened).toBeGreaterThan(0)
    expect(seen.refused).toBeGreaterThan(seen.opened)
  })

  it('after authentication, every frame gets exactly one well-formed answer, and the socket keeps serving', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(frame, { minLength: 1, maxLength: 12 }), async (frames) => {
        const c = await WsTestClient.authed(url, TOKEN)
        try {
          for (const f of frames) {
            const mark = c.messages.length
            send(c, f)
            const what = JSON.stringify(f).slice(0, 200)
            if (bytesOf(f) > MAX_MESSAGE * 2) {
              // Over the frame limit: ws closes the socket (1009, message too big) without reading the frame.
              expect((await within(5000, 'close on a huge frame', c.closed)).code, what).toBe(1009)
              return
            }
            const m = await within(10_000, what, nextAnswer(c, mark))
            let msg: any
            try {
              msg = 'text' in f ? JSON.parse(f.text) : undefined
            } catch {
              msg = undefined
            }
            const isObj = typeof msg === 'object' && msg !== null && !Array.isArray(msg)
            if (isObj && msg.type === 'ping') expect(m, what).toEqual({ type: 'pong' })
            else if (m.type === 'error') {
              expectErrorBody(m.error, what)
              expect(['invalid_input', 'too_large'], what).toContain(m.error.code)
            } else {
              // A call: the answer carries the call's id, unchanged.
              expect(isObj, what).toBe(true)
              expect(m.id, what).toEqual(msg.id)
              checkResult(m.result, what)
            }
          }
          expectNoPrototypePollution()
          // Still serving on the same socket.
          const mark = c.messages.length
          c.send({ type: 'ping' })
          expect(await within(5000, 'ping after fuzz', nextAnswer(c, mark))).toEqual({ type: 'pong' })
          expect(await within(5000, 'call after fuzz', c.call('node.status'))).toMatchObject({ ok: true, data: { vault: 'unlocked' } })
        } finally {
          c.close()
        }
      }),
      fuzz('ws after auth', 40),
    )
  })

  it('refuses odd upgrades (path, query, origin, token) with a JSON 4xx before upgrading, or opens only when all are right', async () => {
    const port = (): number => api.port
    const upgrade = fc.record({
      path: fc.oneof({ weight: 3, arbitrary: fc.constant('/api/events') }, { weight: 1, arbitrary: mutatedString(fc.constant('/api/events')) }),
      query: fc.oneof(fc.constant(''), fc.constantFrom('?token=x', '?ACCESS_TOKEN=1', '?x=1', '?__proto__=1'), fc.tuple(nastyFragment, weirdString).map(([k, v]) => `?${escape(k)}=${escape(v)}`)),
      origin: fc.option(fc.oneof(fc.constantFrom(`http://127.0.0.1:${port()}`, `http://localhost:${port()}`, 'null', 'http://evil.example', `HTTP://LOCALHOST:${port()}`), mutatedString(fc.constant(`http://127.0.0.1:${port()}`))), { nil: undefined }),
      authorization: fc.option(fc.oneof(fc.constant(`Bearer ${TOKEN}`), mutatedString(fc.constant(`Bearer ${TOKEN}`))), { nil: undefined }),
    })
    const seen = { opened: 0, refused: 0 }
    await fc.assert(
      fc.asyncProperty(upgrade, async (u) => {
        let target: string
        try {
          target = new URL(`ws://127.0.0.1:${port()}${u.path}${u.query}`).toString()
        } catch {
          return
        }
        const headers: Record<string, string> = {}
        if (u.authorization !== undefined) headers.Authorization = u.authorization
        let refusal: Awaited<ReturnType<typeof refusalOf>>
        try {
          refusal = await within(5000, 'upgrade', refusalOf(WsTestClient.open(target, { headers, ...(u.origin === undefined ? {} : { origin: u.origin }) })))
        } catch (err) {
          if (err instanceof Error && /hang/.test(err.message)) throw err
          return // the client library refused to send it (an invalid header value)
        }
        if (refusal === undefined) {
          const what = JSON.stringify(u)
          const t = new URL(target)
          expect(t.pathname, what).toBe('/api/events')
          expect([...t.searchParams.keys()].some((k) => ['token', 'access_token'].includes(k.toLowerCase())), what).toBe(false)
          // ws sends no Origin header for an empty one.
          if (u.origin !== undefined && u.origin !== '') expect([`http://127.0.0.1:${port()}`, `http://localhost:${port()}`, `http://[::1]:${port()}`], what).toContain(u.origin.toLowerCase())
          if (u.authorization !== undefined) expect(u.authorization.replace(/^bearer +/i, '').trim(), what).toBe(TOKEN)
          seen.opened++
          return
        }
        if (refusal.status === undefined) return // a client-side error (an invalid header): nothing reached the server
        expect(refusal.status, JSON.stringify(u)).toBeGreaterThanOrEqual(400)
        expect(refusal.status, JSON.stringify(u)).toBeLessThan(500)
        expectErrorBody(refusal.body.error, JSON.stringify(u))
        seen.refused++
      }),
      fuzz('ws upgrades', 60),
    )
    expect(seen.opened).toBeGreaterThan(0)
    expect(seen.refused).toBeGreaterThan(0)
  })
})

