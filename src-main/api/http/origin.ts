// Browsers send Origin; scripts and agents do not. A request from a browser page must come from the peer's own UI
// origin (the same rule as the WebSocket), which also defeats DNS rebinding: a page on evil.example that resolves to
// 127.0.0.1 still sends Origin http://evil.example:PORT. The bearer token is required anyway; this is defence in depth
// (and what the MCP specification asks of a streamable HTTP server).
import type { IncomingMessage } from 'node:http'
import { allowedOrigins } from '../ws/event-socket.ts'

export function originAllowed(req: IncomingMessage): boolean {
  const origin = req.headers.origin
  if (origin === undefined) return true
  return allowedOrigins(req.socket.localPort ?? 0).has(origin.toLowerCase())
}
