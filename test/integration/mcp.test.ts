// MCP with the SDK's own client against real peers, over both transports: streamable HTTP at /api/mcp on the peer's
// API, and stdio through `bzzz mcp` (a child process talking to the running peer's HTTP API).
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { calls } from '../../src-shared/contract/calls.ts'
import { MCP_TOOLS } from '../../src-main/api/mcp/server.ts'
import type { Peer } from '../../src-main/core/peer.ts'
import { serveApi, type ServedApi } from '../helpers/api.ts'
import { RateLimiter } from '../../src-main/api/rate-limit.ts'
import { startApiServer } from '../../src-main/api/serve.ts'
import { CLI, passphraseFile, runBzzz, spawnPeer, tempDir, type PeerProcess } from '../helpers/cli.ts'
import { callAs, createTestNetwork, waitFor, type TestNetwork } from '../helpers/network.ts'

let net: TestNetwork
let observer: Peer
let adminApi: ServedApi
let observerApi: ServedApi
/** A decision only architects and the admin may read. */
let sealed: string
const open: Client[] = []

beforeAll(async () => {
  net = await createTestNetwork(['observer'])
  observer = net.members[0]!
  adminApi = await serveApi(net.admin, net.dirs.get(net.admin)!)
  observerApi = await serveApi(observer, net.dirs.get(observer)!)
  sealed = (await callAs(net.admin, 'decisions.publish', { type: 'decision', title: 'Rotate the HSM keys', body: 'quarterly', audience: 'architect', project: 'security', task: 'hsm' })).address
  await waitFor('the sealed decision to reach the observer', () => observer.index.has(sealed))
}, 90_000)

afterAll(async () => {
  await Promise.all(open.map((c) => c.close().catch(() => undefined)))
  await adminApi?.close()
  await observerApi?.close()
  await net?.close()
})

function newClient(): Client {
  const client = new Client({ name: 'bzzz-test', version: '1.0.0' })
  open.push(client)
  return client
}

async function httpClient(api: ServedApi, token = api.token): Promise<Client> {
  const client = newClient()
  await client.connect(new StreamableHTTPClientTransport(new URL(`${api.url}/api/mcp`), { requestInit: { headers: { Authorization: `Bearer ${token}` } } }))
  return client
}

async function stdioClient(args: string[]): Promise<{ client: Client; stderr: () => string }> {
  const client = newClient()
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI, 'mcp', ...args],
    env: { ...(process.env as Record<string, string>), BZZZ_PASSPHRASE: '' },
    stderr: 'pipe',
  })
  let stderr = ''
  transport.stderr?.on('data', (d: Buffer) => (stderr += d.toString()))
  await client.connect(transport)
  return { client, stderr: () => stderr }
}

function text(result: unknown): string {
  const r = result as CallToolResult
  return r.content.map((c) => (c.type === 'text' ? c.text : '')).join('')
}

type Connect = (who: 'admin' | 'observer') => Promise<Client>

const transports: [string, Connect][] = [
  ['streamable HTTP', (who) => httpClient(who === 'admin' ? adminApi : observerApi)],
  [
    'stdio (bzzz mcp)',
    async (who) =>
      who === 'admin'
        ? (await stdioClient(['--data-dir', adminApi.dir])).client
        : (await stdioClient(['--api', observerApi.url, '--token-file', join(observerApi.dir, 'api-token')])).client,
  ],
]

describe.each(transports)('MCP over %s', (_label, connect) => {
  let admin: Client
  let obs: Client
  beforeAll(async () => {
    ;[admin, obs] = await Promise.all([connect('admin'), connect('observer')])
  }, 30_000)

  it('lists one tool per contract call marked for MCP, with its summary and its input schema', async () => {
    const { tools } = await admin.listTools()
    expect(tools.map((t) => t.name).sort()).toEqual(MCP_TOOLS.map((t) => t.tool).sort())
    expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(['publish_decision', 'get_decision', 'search_decisions', 'list_peers', 'election_status']))
    const publish = tools.find((t) => t.name === 'publish_decision')!
    expect(publish.description).toBe(calls['decisions.publish'].summary)
    expect(publish.inputSchema.required).toEqual(expect.arrayContaining(['type', 'title', 'audience', 'project', 'task']))
    expect(Object.keys(publish.inputSchema.properties ?? {})).toEqual(expect.arrayContaining(['body', 'tags', 'links', 'status']))
    expect(publish.outputSchema?.properties).toHaveProperty('address')
    expect(tools.find((t) => t.name === 'get_decision')!.annotations?.readOnlyHint).toBe(true)
    expect(publish.annotations?.readOnlyHint).toBe(false)
  })

  it('publishes a decision, then reads it back by address, by search and as a resource', async () => {
    const published = await admin.callTool({
      name: 'publish_decision',
      arguments: { type: 'architectural', title: `Event sourcing for orders (${_label})`, body: 'Append-only log of order events.', audience: 'observer', project: 'orders', task: 'storage', tags: ['events'] },
    })
    expect(published.isError).toBeFalsy()
    const address = (published.structuredContent as { address: string }).address
    expect(JSON.parse(text(published)).address).toBe(address)

    const got = await admin.callTool({ name: 'get_decision', arguments: { address: `ucxl://${address}` } })
    expect(got.isError).toBeFalsy()
    expect(got.structuredContent).toMatchObject({ header: { address, type: 'architectural' }, content: { title: `Event sourcing for orders (${_label})` }, signature: { valid: true } })

    const found = await admin.callTool({ name: 'search_decisions', arguments: { pattern: '*/*/orders/**', q: 'append-only' } })
    const items = (found.structuredContent as { items: { header: { address: string } }[] }).items
    expect(items.map((i) => i.header.address)).toContain(address)

    const resource = await admin.readResource({ uri: `ucxl://${address}` })
    expect(resource.contents[0]).toMatchObject({ mimeType: 'text/markdown', text: expect.stringContaining(`# Event sourcing for orders (${_label})`) })
    expect(JSON.parse(String((resource.contents[1] as { text: string }).text))).toMatchObject({ header: { address } })
    const listed = await admin.listResources()
    expect(listed.resources.map((r) => r.uri)).toContain(`ucxl://${address}`)
    const templates = await admin.listResourceTemplates()
    expect(templates.resourceTemplates.map((t) => t.uriTemplate)).toEqual(['ucxl://{+address}'])
  })

  it('answers the peer-level tools', async () => {
    const peers = await obs.callTool({ name: 'list_peers', arguments: {} })
    expect(peers.isError).toBeFalsy()
    expect((peers.structuredContent as { peers: { memberId?: string }[] }).peers.map((p) => p.memberId)).toContain('admin')
    const election = await obs.callTool({ name: 'election_status', arguments: {} })
    // Until the election issue lands the call is in the contract but has no handler: a readable 'unavailable'.
    if (election.isError) expect(text(election)).toMatch(/^unavailable: election.status is not available/)
    else expect(election.structuredContent).toHaveProperty('term')
  })

  it('refuses what the local member may not do, as a tool error with a readable message', async () => {
    const publish = await obs.callTool({ name: 'publish_decision', arguments: { type: 'architectural', title: 'Switch to Rust', audience: 'observer', project: 'core', task: 'lang' } })
    expect(publish.isError).toBe(true)
    expect(text(publish)).toMatch(/^forbidden: publishing architectural decisions is not allowed for observer/)

    const get = await obs.callTool({ name: 'get_decision', arguments: { address: sealed } })
    expect(get.isError).toBe(true)
    expect(text(get)).toContain('forbidden: this decision is addressed to architect')
    expect(text(get)).not.toContain('quarterly')

    await expect(obs.readResource({ uri: `ucxl://${sealed}` })).rejects.toThrow(/forbidden: this decision is addressed to architect/)
  })

  it('refuses invalid input as a tool error naming the field', async () => {
    const noTitle = await admin.callTool({ name: 'publish_decision', arguments: { type: 'decision', title: '', audience: 'observer', project: 'core', task: 'x' } })
    expect(noTitle.isError).toBe(true)
    expect(text(noTitle)).toMatch(/title/)
    const badAddress = await admin.callTool({ name: 'get_decision', arguments: { address: 'not-an-address' } })
    expect(badAddress.isError).toBe(true)
    expect(text(badAddress)).toMatch(/address/)
    expect(text(badAddress)).toMatch(/expected 5 segments/)
    const unknownField = await admin.callTool({ name: 'list_peers', arguments: { verbose: true } })
    expect(unknownField.isError).toBe(true)
    expect(text(unknownField)).toMatch(/verbose/)
  })
})

describe('MCP over streamable HTTP: transport rules', () => {
  it('refuses a client without the token or with a wrong one', async () => {
    await expect(httpClient(adminApi, '')).rejects.toThrow(/401|token/i)
    await expect(httpClient(adminApi, 'wrong-token-0123456789abcdefghijklmnopqrstuvw')).rejects.toThrow(/401|token/i)
    const res = await fetch(`${adminApi.url}/api/mcp`, { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' }, body: '{"jsonrpc":"2.0","id":1,"method":"tools/list"}' })
    expect(res.status).toBe(401)
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unauthenticated')
  })

  it('is stateless: no session id, GET and DELETE are 405, a foreign Origin is refused', async () => {
    const auth = { Authorization: `Bearer ${adminApi.token}` }
    const init = await fetch(`${adminApi.url}/api/mcp`, {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } }),
    })
    expect(init.status).toBe(200)
    expect(init.headers.get('mcp-session-id')).toBeNull()
    expect(((await init.json()) as { result: { serverInfo: { name: string } } }).result.serverInfo.name).toBe('bzzz')
    for (const method of ['GET', 'DELETE']) {
      const res = await fetch(`${adminApi.url}/api/mcp`, { method, headers: { ...auth, Accept: 'text/event-stream' } })
      expect(res.status).toBe(405)
      expect(res.headers.get('allow')).toBe('POST')
    }
    const foreign = await fetch(`${adminApi.url}/api/mcp`, { method: 'POST', headers: { ...auth, Origin: 'http://evil.example', 'Content-Type': 'application/json' }, body: '{}' })
    expect(foreign.status).toBe(403)
  })

  it("counts tool calls against the server's rate limits", async () => {
    const rateLimiter = new RateLimiter({ decisions: 1, crypto: 1, admin: 1, general: 100 })
    const limited = await startApiServer({ peer: observer, host: '127.0.0.1', port: 0, token: observerApi.token, rateLimiter, logger: () => undefined })
    try {
      const client = await httpClient({ ...observerApi, url: limited.url })
      expect((await client.callTool({ name: 'search_decisions', arguments: {} })).isError).toBeFalsy()
      const second = await client.callTool({ name: 'search_decisions', arguments: {} })
      expect(second.isError).toBe(true)
      expect(text(second)).toMatch(/^rate_limited: too many decisions calls/)
    } finally {
      await limited.close()
    }
  })
})

describe('bzzz mcp', () => {
  it('talks to a `bzzz peer` process, which serves MCP, GraphQL and OpenAPI on its API', async () => {
    const dir = await tempDir('bzzz-mcp-peer-')
    const pass = await passphraseFile(dir)
    expect((await runBzzz(['init', '--data-dir', dir, '--passphrase-file', pass, '--name', 'carol'])).code).toBe(0)
    let peer: PeerProcess | undefined
    try {
      peer = await spawnPeer(dir, ['--listen', '/ip4/127.0.0.1/tcp/0'], { passphraseFile: pass })
      const { client } = await stdioClient(['--data-dir', dir])
      const published = await client.callTool({ name: 'publish_decision', arguments: { type: 'decision', title: 'Agents record decisions too', audience: 'observer', project: 'mcp', task: 'stdio' } })
      expect(published.isError).toBeFalsy()
      const address = (published.structuredContent as { address: string }).address
      expect(address).toMatch(/^carol\/admin\/mcp\/stdio\//)
      const graphql = await peer.api('POST', '/api/graphql', { query: `{ decisionsGet(address: "${address}") { content { title } } }` })
      expect(graphql.json).toEqual({ data: { decisionsGet: { content: { title: 'Agents record decisions too' } } } })
      const openapi = await fetch(`${peer.url}/api/openapi.json`)
      expect(((await openapi.json()) as { openapi: string }).openapi).toBe('3.1.0')
    } finally {
      peer?.child.kill('SIGINT')
      await peer?.exited
    }
  }, 60_000)

  it('fails with a readable line on stderr and nothing on stdout when no peer runs on the data directory', async () => {
    const dir = await tempDir()
    const r = await runBzzz(['mcp', '--data-dir', dir])
    expect(r.code).toBe(10)
    expect(r.stdout.length).toBe(0)
    expect(r.stderr).toMatch(/no peer is running on/)
  })

  it('writes only JSON-RPC to stdout and its diagnostics to stderr, and exits when stdin closes', async () => {
    const child = spawn(process.execPath, [CLI, 'mcp', '--data-dir', adminApi.dir], { stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve))
    const send = (m: object): boolean => child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', ...m })}\n`)
    send({ id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } })
    send({ method: 'notifications/initialized' })
    send({ id: 2, method: 'tools/call', params: { name: 'search_decisions', arguments: { limit: 1 } } })
    send({ id: 3, method: 'tools/call', params: { name: 'get_decision', arguments: { address: 'x/admin/p/t/missing' } } })
    await waitFor('three answers', () => stdout.split('\n').filter((l) => l.length > 0).length >= 3, 20_000)
    child.stdin.end()
    expect(await exited).toBe(0)
    const lines = stdout.split('\n').filter((l) => l.length > 0)
    const messages = lines.map((l) => JSON.parse(l) as { jsonrpc: string; id: number; result?: any })
    expect(messages.map((m) => [m.jsonrpc, m.id])).toEqual([
      ['2.0', 1],
      ['2.0', 2],
      ['2.0', 3],
    ])
    expect(messages[2]!.result).toMatchObject({ isError: true, content: [{ type: 'text', text: expect.stringMatching(/^not_found: /) }] })
    expect(stderr).toContain(`serving the peer at ${adminApi.url}`)
  })
})
