// A peer's HTTP API in this process, composed as `bzzz peer` serves it (startApiServer: contract routes, WebSocket,
// metrics, MCP, GraphQL, OpenAPI), with DIR/api.json and DIR/api-token written so that `bzzz ... --data-dir DIR`
// finds it.
import { writeApiInfo, removeApiInfo } from '../../src-main/api/http/api-info.ts'
import { startApiServer, type ApiServerOptions } from '../../src-main/api/serve.ts'
import { loadOrCreateApiToken } from '../../src-main/api/token.ts'
import type { Peer } from '../../src-main/core/peer.ts'

export interface ServedApi {
  url: string
  token: string
  dir: string
  close(): Promise<void>
}

export async function serveApi(peer: Peer, dir: string, opts: Partial<ApiServerOptions> = {}): Promise<ServedApi> {
  const token = await loadOrCreateApiToken(dir)
  const api = await startApiServer({ peer, host: '127.0.0.1', port: 0, token, logger: () => undefined, ...opts })
  await writeApiInfo(dir, { url: api.url, pid: process.pid })
  return {
    url: api.url,
    token,
    dir,
    close: async () => {
      await api.close()
      await removeApiInfo(dir).catch(() => undefined)
    },
  }
}
