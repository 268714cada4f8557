// MCP over streamable HTTP at /api/mcp on the peer's API, mounted as an extra route of the HTTP server (so the bearer
// token is checked before anything here runs). Stateless: every POST gets a fresh McpServer and transport, answers in
// JSON and is done. Nothing is kept between requests: no session ids to guess or leak, nothing to expire, and a client
// that reconnects or runs requests in parallel needs nothing special. Our tools are request/response and the server
// sends no notifications, so sessions would buy nothing. GET (a server-to-client stream) and DELETE (end a session)
// are answered 405, as the MCP specification allows a server without them to.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js'
import { LIMITS } from '../../../src-shared/decisions.ts'
import { BzzzError } from '../../../src-shared/errors.ts'
import type { CallFn, RequestCaller } from '../call-fn.ts'
import { originAllowed } from '../http/origin.ts'
import type { ExtraRoute } from '../http/server.ts'
import { createMcpServer } from './server.ts'

export const MCP_PATH = '/api/mcp'

function jsonRpcError(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  const text = JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message }, id: null })
  res.writeHead(status, { ...headers, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) })
  res.end(text)
}

async function handleMcp(call: CallFn, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = (req.url ?? '').split('?', 1)[0]!
  if (path !== MCP_PATH) throw new BzzzError('not_found', `no route for ${req.method ?? 'GET'} ${path.slice(0, 200)}; MCP is served at ${MCP_PATH}`)
  if (!originAllowed(req)) throw new BzzzError('forbidden', `Origin '${String(req.headers.origin).slice(0, 100)}' may not use this API`)
  if (req.method !== 'POST') {
    jsonRpcError(res, 405, `${req.method ?? 'GET'} is not supported: this MCP server is stateless (no sessions, no server-sent stream); send JSON-RPC with POST`, { Allow: 'POST' })
    return
  }
  const server = createMcpServer(call)
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true, maxRequestBodySize: LIMITS.requestBytes })
  res.on('close', () => {
    void transport.close().catch(() => undefined)
    void server.close().catch(() => undefined)
  })
  await server.connect(transport)
  await transport.handleRequest(req, res)
}

/** The /api/mcp route; `callFor(req)` runs each tool's contract call (dispatch, as the local member). */
export function mcpHttpRoute(callFor: RequestCaller): ExtraRoute {
  return { prefix: MCP_PATH, handle: (req, res) => handleMcp(callFor(req), req, res) }
}
