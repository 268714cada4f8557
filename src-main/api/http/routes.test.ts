import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { calls, CALL_NAMES } from '../../../src-shared/contract/calls.ts'
import { coerceTextFields, inputShape } from './query.ts'
import { buildRequest, compilePath, lookupRoute, matchRoute, ROUTES } from './routes.ts'

describe('contract routes', () => {
  it('has one compiled route per call, and every route finds its own call', () => {
    expect(ROUTES.map((r) => r.name).sort()).toEqual([...CALL_NAMES].sort())
    for (const route of ROUTES) {
      const samplePath = route.path.replace(/[:*]([a-zA-Z]+)/g, (_m, n: string) => (n === 'address' ? 'alice/architect/p/t/n1' : 'x1'))
      const found = lookupRoute(route.method, samplePath)
      expect(found.kind, `${route.method} ${samplePath}`).toBe('found')
      if (found.kind === 'found') expect(found.route.name).toBe(route.name)
    }
  })

  it('compiles parameters and refuses a rest parameter before the end', () => {
    expect(compilePath('/api/custody/requests/:requestId/approve')).toEqual([
      { kind: 'literal', value: 'api' },
      { kind: 'literal', value: 'custody' },
      { kind: 'literal', value: 'requests' },
      { kind: 'param', name: 'requestId' },
      { kind: 'literal', value: 'approve' },
    ])
    expect(() => compilePath('/a/*rest/b')).toThrow(/last segment/)
  })

  it('prefers literal segments over parameters and reports other methods on a known path', () => {
    expect(lookupRoute('POST', '/api/network/join')).toMatchObject({ kind: 'found', route: { name: 'network.join' } })
    expect(lookupRoute('POST', '/api/decisions/code')).toMatchObject({ kind: 'found', route: { name: 'decisions.publish' }, params: { type: 'code' } })
    expect(lookupRoute('PUT', '/api/config')).toMatchObject({ kind: 'found', route: { name: 'config.set' } })
    expect(lookupRoute('DELETE', '/api/config')).toEqual({ kind: 'wrong_method', allow: ['GET', 'PUT'] })
    expect(lookupRoute('GET', '/api/decisions/code')).toEqual({ kind: 'wrong_method', allow: ['POST'] })
    expect(lookupRoute('GET', '/api/nothing')).toEqual({ kind: 'none' })
    expect(lookupRoute('GET', '/api/members/')).toEqual({ kind: 'none' })
    expect(lookupRoute('DELETE', '/api/members/')).toEqual({ kind: 'none' })
  })

  it('decodes parameters; a rest parameter keeps its slashes', () => {
    const route = { segments: compilePath('/api/decisions/content/*address') }
    expect(matchRoute(route, '/api/decisions/content/ucxl%3A//alice/architect/p/t/n%201')).toEqual({ address: 'ucxl://alice/architect/p/t/n 1' })
    expect(matchRoute(route, '/api/decisions/content/')).toBeUndefined()
    expect(matchRoute(route, '/api/decisions/content')).toBeUndefined()
    expect(matchRoute({ segments: compilePath('/api/members/:memberId') }, '/api/members/bob%2Fx')).toEqual({ memberId: 'bob/x' })
    expect(() => matchRoute({ segments: compilePath('/api/members/:memberId') }, '/api/members/%E0%A4%A')).toThrow(/memberId: malformed percent-encoding/)
  })

  it('builds requests the server routes back to the same call and input', () => {
    const get = buildRequest('decisions.get', { address: 'ucxl://alice/architect/p/t/n 1' })
    expect(get).toEqual({ method: 'GET', pathAndQuery: '/api/decisions/content/ucxl%3A//alice/architect/p/t/n%201' })
    const list = buildRequest('decisions.list', { limit: 5, includeLocked: false, q: 'a&b=c', pattern: undefined })
    expect(list.pathAndQuery).toBe('/api/decisions?limit=5&includeLocked=false&q=a%26b%3Dc')
    const [path, query] = list.pathAndQuery.split('?') as [string, string]
    const found = lookupRoute(list.method, path)
    expect(found.kind).toBe('found')
    expect(coerceTextFields(calls['decisions.list'].input, new URLSearchParams(query), 'decisions.list')).toEqual({ limit: 5, includeLocked: false, q: 'a&b=c' })

    expect(buildRequest('members.remove', { memberId: 'bob' })).toEqual({ method: 'DELETE', pathAndQuery: '/api/members/bob' })
    expect(buildRequest('custody.deny', { requestId: 'r/1', reason: 'no' })).toEqual({ method: 'POST', pathAndQuery: '/api/custody/requests/r%2F1/deny', body: '{"reason":"no"}' })
    expect(buildRequest('vault.lock', {})).toEqual({ method: 'POST', pathAndQuery: '/api/vault/lock', body: '{}' })
    expect(() => buildRequest('members.remove', {} as never)).toThrow(/memberId is required/)
    expect(() => buildRequest('decisions.list', { q: { a: 1 } } as never)).toThrow(/q: a object cannot be sent in a URL/)
  })
})

describe('query coercion', () => {
  const schema = z
    .object({
      n: z.number().int().optional(),
      d: z.number().default(3),
      b: z.boolean().default(true),
      tags: z.array(z.string()).optional(),
      nums: z.array(z.number()).optional(),
      s: z.string().optional(),
      addr: z.string().transform((v) => v.toUpperCase()).optional(),
    })
    .strict()

  it('turns text into the types of the schema shape', () => {
    const out = coerceTextFields(schema, [['n', '7'], ['d', '-1.5'], ['b', 'false'], ['tags', 'a'], ['tags', 'b'], ['nums', '1'], ['s', '42'], ['addr', 'x'], ['other', '1']], 'c')
    expect(out).toEqual({ n: 7, d: -1.5, b: false, tags: ['a', 'b'], nums: [1], s: '42', addr: 'x', other: '1' })
    expect(coerceTextFields(schema, [['tags', 'only']], 'c')).toEqual({ tags: ['only'] })
  })

  it('names the field of a value that is not its type', () => {
    expect(() => coerceTextFields(schema, [['n', 'abc']], 'c')).toThrow("c: n: 'abc' is not a number")
    expect(() => coerceTextFields(schema, [['n', '']], 'c')).toThrow(/c: n: '' is not a number/)
    expect(() => coerceTextFields(schema, [['n', 'Infinity']], 'c')).toThrow(/not a number/)
    expect(() => coerceTextFields(schema, [['b', '1']], 'c')).toThrow(/c: b: '1' is not a boolean; use 'true' or 'false'/)
    expect(() => coerceTextFields(schema, [['nums', '1'], ['nums', 'x']], 'c')).toThrow(/c: nums: 'x' is not a number/)
    expect(() => coerceTextFields(schema, [['s', 'a'], ['s', 'b']], 'c')).toThrow(/c: s: given 2 times/)
  })

  it('finds the object shape of every contract input', () => {
    for (const name of CALL_NAMES) expect(inputShape(calls[name].input), name).toBeDefined()
  })
})
