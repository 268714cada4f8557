// GraphQL at /api/graphql with real HTTP requests against real peers: queries, a mutation, permission and validation
// errors with the contract's code, authentication, depth and cost limits, and a subscription over Server-Sent Events.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Peer } from '../../src-main/core/peer.ts'
import { MAX_COST, MAX_DEPTH } from '../../src-main/api/graphql/limits.ts'
import { serveApi, type ServedApi } from '../helpers/api.ts'
import { callAs, createTestNetwork, waitFor, type TestNetwork } from '../helpers/network.ts'

let net: TestNetwork
let observer: Peer
let adminApi: ServedApi
let observerApi: ServedApi

beforeAll(async () => {
  net = await createTestNetwork(['observer'])
  observer = net.members[0]!
  adminApi = await serveApi(net.admin, net.dirs.get(net.admin)!)
  observerApi = await serveApi(observer, net.dirs.get(observer)!)
}, 90_000)

afterAll(async () => {
  await adminApi?.close()
  await observerApi?.close()
  await net?.close()
})

interface GqlResponse {
  status: number
  body: { data?: any; errors?: { message: string; extensions?: Record<string, unknown> }[] }
}

async function gql(api: ServedApi, query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GqlResponse> {
  const res = await fetch(`${api.url}/api/graphql`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${api.token}`, 'Content-Type': 'application/json', Accept: 'application/json', ...headers },
    body: JSON.stringify({ query, ...(variables === undefined ? {} : { variables }) }),
  })
  return { status: res.status, body: (await res.json()) as GqlResponse['body'] }
}

const PUBLISH = `
  mutation Publish($title: String!, $audience: Role!, $task: String!) {
    decisionsPublish(type: decision, title: $title, body: "Through GraphQL.", audience: $audience, project: "gql", task: $task, tags: ["graphql"]) {
      address
      header { author type audience createdAt }
    }
  }`

describe('GraphQL queries and mutations', () => {
  it('answers a query over several contract calls', async () => {
    const { status, body } = await gql(adminApi, '{ nodeStatus { state vault member { name role } } peersList { peers { memberId role } } membersList { members { name role flags { elector } } } }')
    expect(status).toBe(200)
    expect(body.errors).toBeUndefined()
    expect(body.data.nodeStatus).toMatchObject({ state: 'running', vault: 'unlocked', member: { name: 'admin', role: 'admin' } })
    expect(body.data.peersList.peers).toContainEqual({ memberId: observer.session.memberId, role: 'observer' })
    expect(body.data.membersList.members.map((m: { role: string }) => m.role).sort()).toEqual(['admin', 'observer'])
  })

  it('publishes with a mutation and reads the decision back by address, in lists and in its history', async () => {
    const published = await gql(adminApi, PUBLISH, { title: 'GraphQL is derived from the contract', audience: 'observer', task: 'derive' })
    expect(published.body.errors).toBeUndefined()
    const { address, header } = published.body.data.decisionsPublish
    expect(header).toMatchObject({ author: 'admin', type: 'decision', audience: 'observer' })
    expect(typeof header.createdAt).toBe('number')

    const read = await gql(
      adminApi,
      `query Read($address: String!) {
        decisionsGet(address: $address) { header { address } content { title body status tags } signature { valid signer } }
        decisionsList(pattern: "*/*/gql/**", tag: "graphql") {
          total
          items { __typename ... on DecisionListItemNotLocked { title header { address } } ... on DecisionListItemLocked { reason } }
        }
        decisionsHistory(address: $address) { versions { ... on DecisionListItemNotLocked { title } } }
      }`,
      { address: `ucxl://${address}` },
    )
    expect(read.body.errors).toBeUndefined()
    expect(read.body.data.decisionsGet).toEqual({
      header: { address },
      content: { title: 'GraphQL is derived from the contract', body: 'Through GraphQL.', status: 'proposed', tags: ['graphql'] },
      signature: { valid: true, signer: 'admin' },
    })
    expect(read.body.data.decisionsList.items).toContainEqual({ __typename: 'DecisionListItemNotLocked', title: 'GraphQL is derived from the contract', header: { address } })
    expect(read.body.data.decisionsHistory.versions).toEqual([{ title: 'GraphQL is derived from the contract' }])
  })

  it('surfaces a permission error as a GraphQL error with the contract code', async () => {
    const { body } = await gql(observerApi, 'mutation { decisionsPublish(type: architectural, title: "Rewrite in Rust", audience: observer, project: "core", task: "lang") { address } }')
    expect(body.data).toBeNull()
    expect(body.errors).toHaveLength(1)
    expect(body.errors![0]).toMatchObject({ message: expect.stringMatching(/publishing architectural decisions is not allowed for observer/), extensions: { code: 'forbidden' } })

    const sealed = await callAs(net.admin, 'decisions.publish', { type: 'decision', title: 'Architects only', body: 'sealed', audience: 'architect', project: 'gql', task: 'sealed' })
    await waitFor('the sealed decision at the observer', () => observer.index.has(sealed.address))
    const get = await gql(observerApi, 'query($a: String!) { decisionsGet(address: $a) { content { title } } }', { a: sealed.address })
    expect(get.body.errors![0]).toMatchObject({ message: expect.stringContaining('addressed to architect'), extensions: { code: 'forbidden' } })
    expect(JSON.stringify(get.body)).not.toContain('Architects only')
  })

  it('reports invalid input with the contract code and the field', async () => {
    const { body } = await gql(adminApi, '{ decisionsGet(address: "not-an-address") { header { address } } }')
    expect(body.errors![0]).toMatchObject({ message: expect.stringMatching(/address: .*expected 5 segments/), extensions: { code: 'invalid_input' } })
    const typeError = await gql(adminApi, '{ decisionsList(limit: "many") { total } }')
    expect(typeError.body.errors![0]!.message).toMatch(/Int cannot represent/)
  })
})

describe('GraphQL transport rules', () => {
  it('refuses a request without the token or with a wrong one', async () => {
    const missing = await fetch(`${adminApi.url}/api/graphql`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"query":"{ nodeStatus { state } }"}' })
    expect(missing.status).toBe(401)
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('unauthenticated')
    const wrong = await gql(adminApi, '{ nodeStatus { state } }', undefined, { Authorization: 'Bearer wrong-token-0123456789abcdefghijklmnopqrstuvw' })
    expect(wrong.status).toBe(401)
  })

  it(`refuses a query deeper than ${MAX_DEPTH} levels before running it`, async () => {
    const deep = '{ nodeStatus { member { a { b { c { d { e { f { g { h } } } } } } } } } }'
    const { body } = await gql(adminApi, deep)
    const tooDeep = body.errors?.find((e) => e.extensions?.code === 'query_too_deep')
    expect(tooDeep?.message).toMatch(new RegExp(`is 10 levels deep; the limit is ${MAX_DEPTH}`))
    expect(body.data).toBeUndefined()
    // Introspection nesting is bounded by graphql-js's own rule.
    const introspection = await gql(adminApi, '{ __schema { types { fields { type { fields { type { fields { type { fields { name } } } } } } } } } }')
    expect(introspection.body.errors?.[0]?.message).toMatch(/Maximum introspection depth exceeded/)
  })

  it(`refuses a query estimated above ${MAX_COST} cost units, aliases included`, async () => {
    const flood = `{ ${Array.from({ length: 60 }, (_, i) => `s${i}: nodeStatus { state }`).join(' ')} }`
    const { body } = await gql(adminApi, flood)
    expect(body.errors).toHaveLength(1)
    expect(body.errors![0]).toMatchObject({ extensions: { code: 'query_too_complex' }, message: expect.stringMatching(/estimated at \d+ cost units; the limit is 2000/) })
    expect(body.data).toBeUndefined()
  })

  it('answers introspection (code generators need it)', async () => {
    const { body } = await gql(adminApi, '{ __type(name: "Mutation") { fields { name } } }')
    expect(body.data.__type.fields.map((f: { name: string }) => f.name)).toContain('decisionsPublish')
  })
})

/** Reads Server-Sent Events from a GraphQL subscription until `until` says stop. */
async function subscribe(api: ServedApi, query: string, until: (events: any[]) => boolean, onOpen: () => Promise<void>, timeoutMs = 20_000): Promise<any[]> {
  const abort = new AbortController()
  const timer = setTimeout(() => abort.abort(), timeoutMs)
  const res = await fetch(`${api.url}/api/graphql`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${api.token}`, 'Content-Type': 'application/json', Accept: 'text/event-stream' },
    body: JSON.stringify({ query }),
    signal: abort.signal,
  })
  expect(res.status).toBe(200)
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/)
  const received: any[] = []
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader()
  let buffer = ''
  await onOpen()
  try {
    while (!until(received)) {
      const { value, done } = await reader.read().catch((err: unknown) => {
        if (abort.signal.aborted) throw new Error(`no matching events within ${timeoutMs} ms; received ${JSON.stringify(received).slice(0, 2000)}`)
        throw err
      })
      if (done) break
      buffer += value
      let end: number
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const frame = buffer.slice(0, end)
        buffer = buffer.slice(end + 2)
        const data = frame
          .split('\n')
          .filter((l) => l.startsWith('data:'))
          .map((l) => l.slice(5).trim())
          .join('\n')
        if (frame.split('\n').includes('event: next') && data.length > 0) received.push(JSON.parse(data))
      }
    }
  } finally {
    clearTimeout(timer)
    abort.abort()
  }
  return received
}

describe('GraphQL subscriptions', () => {
  it('streams decision.published over SSE, with titles only of what the member may read', async () => {
    let open: string | undefined
    let sealed: string | undefined
    const events = await subscribe(
      observerApi,
      'subscription { decisionPublished { type at payload { header { address audience author } title local } } }',
      (got) => open !== undefined && sealed !== undefined && [open, sealed].every((a) => got.some((e) => e.data?.decisionPublished.payload.header.address === a)),
      async () => {
        open = (await callAs(net.admin, 'decisions.publish', { type: 'decision', title: 'Observers may read this', audience: 'observer', project: 'gql', task: 'sse' })).address
        sealed = (await callAs(net.admin, 'decisions.publish', { type: 'decision', title: 'Architects only (SSE)', audience: 'architect', project: 'gql', task: 'sse' })).address
      },
    )
    const byAddress = new Map(events.map((e) => [e.data.decisionPublished.payload.header.address, e.data.decisionPublished]))
    expect(byAddress.get(open)).toMatchObject({ type: 'decision.published', payload: { title: 'Observers may read this', local: false, header: { author: 'admin', audience: 'observer' } } })
    expect(typeof byAddress.get(open).at).toBe('number')
    expect(byAddress.get(sealed)).toMatchObject({ payload: { title: null, header: { audience: 'architect' } } })
    expect(JSON.stringify(events)).not.toContain('Architects only (SSE)')
  })

  it('streams several kinds of events through `events(types:)` as a union, and lets go when the client leaves', async () => {
    const listeners = (): number => (net.admin.events as unknown as { emitter: { listenerCount(e: string): number } }).emitter.listenerCount('event')
    const before = listeners()
    let address: string | undefined
    const events = await subscribe(
      adminApi,
      'subscription { events(types: [decisionPublished]) { __typename ... on DecisionPublishedEvent { payload { header { address } title local } } } }',
      (got) => address !== undefined && got.some((e) => e.data?.events.payload?.header.address === address),
      async () => {
        address = (await callAs(net.admin, 'decisions.publish', { type: 'suggestion', title: 'One stream for all events', audience: 'observer', project: 'gql', task: 'union' })).address
      },
    )
    expect(events.find((e) => e.data.events.payload.header.address === address).data.events).toEqual({
      __typename: 'DecisionPublishedEvent',
      payload: { header: { address }, title: 'One stream for all events', local: true },
    })
    await waitFor('the subscription to unsubscribe from the core', () => listeners() === before, 5_000)
  })
})
