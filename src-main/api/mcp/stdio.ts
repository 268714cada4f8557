// MCP over standard input and output (`bzzz mcp`): one long-lived server for the agent that started the process.
// stdout carries MCP JSON-RPC only; anything else on it would corrupt the stream, so console output goes to stderr.
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js'
import type { CallFn } from '../call-fn.ts'
import { createMcpServer } from './server.ts'

/** Serves MCP on this process's stdin/stdout until stdin ends or the client closes; resolves then. */
export async function serveMcpStdio(call: CallFn, opts: { stdin?: NodeJS.ReadableStream; stdout?: NodeJS.WritableStream } = {}): Promise<void> {
  // Library code that logs with console.log must not write into the JSON-RPC stream.
  console.log = console.error
  console.info = console.error
  console.debug = console.error
  const stdin = (opts.stdin ?? process.stdin) as NodeJS.ReadStream
  const stdout = (opts.stdout ?? process.stdout) as NodeJS.WriteStream
  const server = createMcpServer(call)
  const transport = new StdioServerTransport(stdin, stdout)
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve()
  })
  await server.connect(transport)
  const end = (): void => void server.close().catch(() => undefined)
  stdin.once('end', end)
  stdin.once('close', end)
  await closed
}
