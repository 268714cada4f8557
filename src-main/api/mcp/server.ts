// The MCP server for AI agents, generated from the contract: every call with `mcp: { tool }` is a tool whose
// description is the call's summary and whose input and output schemas are the call's zod schemas. Decisions are also
// resources (`ucxl://{+address}`). The server holds no logic: each tool runs one contract call through a CallFn, which
// is dispatch() inside the peer (streamable HTTP) or the typed HTTP client (stdio, `bzzz mcp`), so validation and
// permission checks are the contract's, as the local member, on every transport.
import { McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js'
import { ErrorCode, McpError, type CallToolResult, type ReadResourceResult } from '@modelcontextprotocol/sdk/types.js'
import { calls, CALL_NAMES, type CallName, type CallSpec } from '../../../src-shared/contract/calls.ts'
import type { Decision, DecisionListItem } from '../../../src-shared/decisions.ts'
import { BzzzError, toErrorBody, type ErrorBody, type ErrorCode as BzzzErrorCode } from '../../../src-shared/errors.ts'
import { VERSION } from '../../core/version.ts'
import type { CallFn } from '../call-fn.ts'
import { decisionMarkdown } from './markdown.ts'

export interface McpTool {
  call: CallName
  tool: string
}

/** The contract calls exposed as MCP tools, in contract order. */
export const MCP_TOOLS: readonly McpTool[] = CALL_NAMES.flatMap((call) => {
  const mcp = (calls[call] as CallSpec).mcp
  return mcp === undefined ? [] : [{ call, tool: mcp.tool }]
})

/** How many recent readable decisions resources/list offers. */
const RECENT_RESOURCES = 50
/** Arrays and object members in one tool call's arguments; a publish with every list full stays far below. */
const MAX_TOOL_INPUT_ELEMENTS = 5_000

export const MCP_INSTRUCTIONS =
  "BZZZ is a team's end-to-end encrypted log of architectural decisions. Every decision has a UCXL address " +
  'agent/role/project/task/node. Use search_decisions to find decisions (UCXL pattern with * and **, type, status, ' +
  'tag, free text q), get_decision to read one, publish_decision to record one (the audience is the lowest role that ' +
  'may read it). You act as the local member: what you can read and publish is what that member may.'

function errorText(body: ErrorBody): string {
  return `${body.code}: ${body.message}`
}

/** A failed call as an MCP tool error: readable text, the contract's code in _meta. */
export function toolError(err: unknown): CallToolResult {
  const body = toErrorBody(err)
  return { isError: true, content: [{ type: 'text', text: errorText(body) }], _meta: { 'bzzz/error': body } }
}

const JSON_RPC_CODE: Partial<Record<BzzzErrorCode, number>> = {
  invalid_input: ErrorCode.InvalidParams,
  // MCP's "resource not found".
  not_found: -32002,
}

/** A failed call as a JSON-RPC error (resources have no tool-error form); the contract's code rides in `data`. */
export function rpcError(err: unknown): McpError {
  const body = toErrorBody(err)
  return new McpError(JSON_RPC_CODE[body.code] ?? ErrorCode.InternalError, errorText(body), { bzzz: body })
}

/** The output of a call as the contract declares it: unknown fields dropped, a wrong shape an internal error. */
function contractOutput(name: CallName, data: unknown): Record<string, unknown> {
  const parsed = (calls[name] as CallSpec).output.safeParse(data)
  if (!parsed.success) throw new BzzzError('internal', `${name} answered with a shape the contract does not declare; see the peer log`)
  return parsed.data as Record<string, unknown>
}

function registerTools(server: McpServer, call: CallFn): void {
  for (const { call: name, tool } of MCP_TOOLS) {
    const spec = calls[name] as CallSpec
    const readOnly = spec.http.method === 'GET'
    server.registerTool(
      tool,
      {
        description: spec.summary,
        inputSchema: spec.input as never,
        outputSchema: spec.output as never,
        annotations: { readOnlyHint: readOnly, destructiveHint: false, idempotentHint: readOnly, openWorldHint: false },
        _meta: { 'bzzz/call': name },
      },
      (async (args: unknown): Promise<CallToolResult> => {
        try {
          const data = contractOutput(name, await call(name, args ?? {}))
          return { content: [{ type: 'text', text: JSON.stringify(data, null, 2) }], structuredContent: data }
        } catch (err) {
          return toolError(err)
        }
      }) as never,
    )
  }
}

function describeItem(item: Extract<DecisionListItem, { locked: false }>): string {
  const h = item.header
  return `${h.type} · ${item.status} · for ${h.audience} and above · by ${h.author} · ${new Date(h.createdAt).toISOString()}`
}

function addressOf(variables: Record<string, string | string[]>): string {
  const raw = variables.address
  const text = Array.isArray(raw) ? raw.join(',') : (raw ?? '')
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

function registerResources(server: McpServer, call: CallFn): void {
  const template = new ResourceTemplate('ucxl://{+address}', {
    list: async () => {
      try {
        const out = contractOutput('decisions.list', await call('decisions.list', { limit: RECENT_RESOURCES, includeLocked: false }))
        const items = (out.items as DecisionListItem[]).filter((i): i is Extract<DecisionListItem, { locked: false }> => !i.locked)
        return {
          resources: items.map((i) => ({ uri: `ucxl://${i.header.address}`, name: i.title, description: describeItem(i), mimeType: 'text/markdown' })),
        }
      } catch (err) {
        throw rpcError(err)
      }
    },
  })
  server.registerResource(
    'decision',
    template,
    {
      title: 'Decision',
      description: 'One decision by its UCXL address (ucxl://agent/role/project/task/node), decrypted and with its signature checked: Markdown, then the same decision as JSON',
      mimeType: 'text/markdown',
    },
    async (uri, variables): Promise<ReadResourceResult> => {
      try {
        const decision = contractOutput('decisions.get', await call('decisions.get', { address: addressOf(variables) })) as unknown as Decision
        return {
          contents: [
            { uri: uri.href, mimeType: 'text/markdown', text: decisionMarkdown(decision) },
            { uri: uri.href, mimeType: 'application/json', text: JSON.stringify(decision, null, 2) },
          ],
        }
      } catch (err) {
        throw rpcError(err)
      }
    },
  )
}

/** A new MCP server whose tools and resources run contract calls through `call`. One per connection (or request). */
export function createMcpServer(call: CallFn): McpServer {
  const server = new McpServer(
    { name: 'bzzz', title: 'BZZZ decisions', version: VERSION },
    { instructions: MCP_INSTRUCTIONS, maxToolInputElements: MAX_TOOL_INPUT_ELEMENTS, capabilities: { tools: {}, resources: {} } },
  )
  registerTools(server, call)
  registerResources(server, call)
  return server
}
