process.env.BZZZ_SCRYPT_LOG_N = '12'

import { readFile, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { calls, CALL_NAMES, type CallSpec } from '../../src-shared/contract/calls.ts'
import { Peer } from '../core/peer.ts'
import { VERSION } from '../core/version.ts'
import { buildOpenApi, openApiPath, openApiText } from './openapi.ts'
import { startApiServer, type ApiServer } from './serve.ts'

const doc = buildOpenApi() as any
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']

function operations(): { path: string; method: string; op: any }[] {
  return Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([m]) => METHODS.includes(m))
      .map(([method, op]) => ({ path, method, op })),
  )
}

function refs(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((v) => refs(v, out))
  else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string') out.push(v)
      else refs(v, out)
    }
  }
  return out
}

describe('the OpenAPI document', () => {
  it('has exactly one operation per contract route, plus /health', () => {
    const expected = [...CALL_NAMES.map((n) => `${calls[n].http.method} ${openApiPath(calls[n].http.path)}`), 'GET /health'].sort()
    expect(operations().map((o) => `${o.method.toUpperCase()} ${o.path}`).sort()).toEqual(expected)
    for (const name of CALL_NAMES) {
      const op = doc.paths[openApiPath(calls[name].http.path)][calls[name].http.method.toLowerCase()]
      expect(op['x-bzzz-call']).toBe(name)
      expect(op.summary).toBe(calls[name].summary)
    }
  })

  it('is structurally valid OpenAPI 3.1', () => {
    expect(doc.openapi).toBe('3.1.0')
    expect(doc.info).toMatchObject({ title: expect.any(String), version: VERSION })
    expect(doc.components.securitySchemes.bearer).toEqual(expect.objectContaining({ type: 'http', scheme: 'bearer' }))
    expect(doc.security).toEqual([{ bearer: [] }])
    const ids = operations().map((o) => o.op.operationId)
    expect(new Set(ids).size).toBe(ids.length)
    for (const { path, method, op } of operations()) {
      const where = `${method.toUpperCase()} ${path}`
      const ok = Object.keys(op.responses).filter((s) => /^2\d\d$/.test(s))
      expect(ok, where).toHaveLength(1)
      expect(op.responses[ok[0]!].content['application/json'].schema, where).toBeTypeOf('object')
      const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1])
      const declared = (op.parameters ?? []).filter((p: any) => p.in === 'path')
      expect(declared.map((p: any) => p.name).sort(), where).toEqual([...templated].sort())
      for (const p of declared) expect(p.required, `${where} ${p.name}`).toBe(true)
      for (const p of op.parameters ?? []) expect(['path', 'query'], where).toContain(p.in)
      if (path !== '/health') expect(op.responses['401'], where).toEqual({ $ref: '#/components/responses/Unauthenticated' })
    }
    expect(doc.paths['/health'].get.security).toEqual([])
    // Every reference resolves inside the document.
    for (const ref of refs(doc)) {
      const target = ref.replace(/^#\//, '').split('/').reduce((node: any, key) => node?.[key], doc)
      expect(target, ref).toBeDefined()
    }
    expect(JSON.stringify(doc)).not.toContain('$defs')
  })

  it('takes GET inputs from the query and POST inputs from a JSON body, without the path parameters', () => {
    const list = doc.paths['/api/decisions'].get
    expect(list.parameters.map((p: any) => p.name).sort()).toEqual(Object.keys((calls['decisions.list'].input as any).shape).sort())
    expect(list.requestBody).toBeUndefined()
    const get = doc.paths['/api/decisions/content/{address}'].get
    expect(get.parameters).toEqual([expect.objectContaining({ name: 'address', in: 'path', required: true })])
    const publish = doc.paths['/api/decisions/{type}'].post
    const body = publish.requestBody.content['application/json'].schema.anyOf[0]
    expect(body.properties.type).toBeUndefined()
    expect(body.required).toEqual(expect.arrayContaining(['title', 'audience', 'project', 'task']))
    expect(publish.responses['201']).toBeDefined()
    expect(doc.paths['/api/members/{memberId}'].delete.requestBody).toBeUndefined()
    for (const name of CALL_NAMES) {
      const spec = calls[name] as CallSpec
      const op = doc.paths[openApiPath(spec.http.path)][spec.http.method.toLowerCase()]
      expect(op.responses['403'] !== undefined, name).toBe(spec.access !== 'open')
    }
  })

  it('describes the error body with the contract error codes', () => {
    expect(doc.components.schemas.Error.properties.code.enum).toEqual(expect.arrayContaining(['invalid_input', 'forbidden', 'rate_limited', 'locked']))
    expect(doc.components.responses.RateLimited.headers['Retry-After']).toBeDefined()
  })

  it('is what docs/openapi.json holds (run `npm run openapi` after changing the contract)', async () => {
    const onDisk = await readFile(join(import.meta.dirname, '../../docs/openapi.json'), 'utf8')
    expect(onDisk).toBe(openApiText())
  })
})

describe('GET /api/openapi.json', () => {
  let dir: string
  let peer: Peer
  let api: ApiServer
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bzzz-openapi-'))
    peer = await Peer.open({ dataDir: dir, command: 'test' })
    api = await startApiServer({ peer, host: '127.0.0.1', port: 0, token: 'test-token-0123456789abcdefghijklmnopqrstuvw', logger: () => undefined })
  })
  afterAll(async () => {
    await api?.close()
    await peer?.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('serves the document without the token', async () => {
    const res = await fetch(`${api.url}/api/openapi.json`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^application\/json/)
    expect(await res.text()).toBe(openApiText())
    const post = await fetch(`${api.url}/api/openapi.json`, { method: 'POST' })
    expect(post.status).toBe(405)
  })
})
