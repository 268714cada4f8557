// bzzz mcp: serve a running peer to an AI agent over MCP on stdin/stdout. The agent's MCP client starts this process;
// every tool call goes to the peer's HTTP API (found through --data-dir, or --api with --token-file), so validation
// and permission checks happen in the peer, as its local member. stdout is JSON-RPC only; diagnostics go to stderr.
import type { Command } from 'commander'
import { clientCaller } from '../../api/call-fn.ts'
import { serveMcpStdio } from '../../api/mcp/stdio.ts'
import { clientFor, type ClientOptions } from '../client.ts'

export function registerMcp(program: Command): void {
  program
    .command('mcp')
    .description('serve the running peer to an AI agent over MCP (stdio): decision tools and ucxl:// resources')
    .option('--api <url>', 'peer API URL (instead of --data-dir)')
    .option('--token-file <file>', 'API token file (with --api)')
    .action(async (opts: ClientOptions) => {
      const client = await clientFor(opts)
      // Fail now, with the reason on stderr, rather than on the agent's first tool call.
      const health = await client.health()
      process.stderr.write(`bzzz mcp: serving the peer at ${client.url} (bzzz ${health.version}) over stdio\n`)
      const stop = (): void => process.exit(0)
      process.once('SIGINT', stop)
      process.once('SIGTERM', stop)
      await serveMcpStdio(clientCaller(client))
      process.exit(0)
    })
}
