// A typed client for the peer's HTTP API, built from the same contract routes as the server. Errors come back as
// BzzzError with the server's code and message. Only global fetch, URL and AbortSignal here, so scripts and browsers
// can reuse it; the Node-only part (fromDataDir) loads its file helpers on demand.
import { calls, type CallInput, type CallName, type CallOutput } from '../../src-shared/contract/calls.ts'
import { BzzzError, errorSchema } from '../../src-shared/errors.ts'
import { buildRequest } from './http/routes.ts'

export interface ApiClientOptions {
  /** The peer's API base URL, e.g. http://127.0.0.1:7450 (from DIR/api.json). */
  url: string
  token: string
  fetch?: typeof fetch
  /** Per call, headers and body together. Default 30 s. */
  timeoutMs?: number
}

export interface HealthStatus {
  status: 'ok'
  version: string
  uptimeSeconds: number
}

export const DEFAULT_TIMEOUT_MS = 30_000

/**
 * The typed client, exported from the package as `bzzz-desktop/client`. Every call's input and output types come
 * from the contract; a failure is a BzzzError with the peer's code and message.
 *
 * @example
 * ```ts
 * import { ApiClient } from 'bzzz-desktop/client'
 *
 * const bzzz = await ApiClient.fromDataDir(`${process.env.HOME}/.bzzz`) // or new ApiClient({ url, token })
 * const { address } = await bzzz.call('decisions.publish', {
 *   type: 'decision', title: 'Use PostgreSQL', body: 'We need transactions.', audience: 'backend_dev', project: 'payments', task: 'storage',
 * })
 * const decision = await bzzz.call('decisions.get', { address })
 * const { items } = await bzzz.call('decisions.list', { pattern: '*\/*\/payments/**', q: 'postgres' })
 * ```
 * Other languages: generate a client from the OpenAPI document (docs/openapi.json, or GET /api/openapi.json).
 */
export class ApiClient {
  readonly url: string
  private readonly token: string
  private readonly fetchImpl: typeof fetch
  private readonly timeoutMs: number

  constructor(opts: ApiClientOptions) {
    this.url = opts.url.replace(/\/+$/, '')
    this.token = opts.token
    this.fetchImpl = opts.fetch ?? ((input, init) => fetch(input, init))
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS
  }

  /**
   * A client for the peer running on a data directory: its URL from DIR/api.json (written by the running peer) and
   * its token from DIR/api-token. `unavailable` when no peer is running there.
   */
  static async fromDataDir(dir: string, opts: { fetch?: typeof fetch; timeoutMs?: number } = {}): Promise<ApiClient> {
    const [{ readApiInfo, processExists }, { readApiToken }] = await Promise.all([import('./http/api-info.ts'), import('./token.ts')])
    const info = await readApiInfo(dir)
    if (info === undefined) throw new BzzzError('unavailable', `no peer is running on ${dir}; start it with bzzz peer --data-dir ${dir}`)
    if (!processExists(info.pid)) {
      throw new BzzzError('unavailable', `the peer that served ${dir} (pid ${info.pid}) is not running any more; start it with bzzz peer --data-dir ${dir}`)
    }
    const token = await readApiToken(dir)
    if (token === undefined) throw new BzzzError('unavailable', `${dir} has no api-token; restart the peer with bzzz peer --data-dir ${dir}`)
    return new ApiClient({ url: info.url, token, ...opts })
  }

  /** Makes one contract call; resolves with its output or throws BzzzError with the peer's code and message. */
  async call<N extends CallName>(name: N, input: CallInput<N>): Promise<CallOutput<N>> {
    const req = buildRequest(name, input)
    const headers: Record<string, string> = { Authorization: `Bearer ${this.token}`, Accept: 'application/json' }
    if (req.body !== undefined) headers['Content-Type'] = 'application/json'
    const { status, json } = await this.request(req.pathAndQuery, { method: req.method, headers, ...(req.body === undefined ? {} : { body: req.body }) })
    if (status >= 400) throw errorFrom(status, json, `${req.method} ${req.pathAndQuery.split('?')[0]}`)
    const parsed = calls[name].output.safeParse(json)
    if (!parsed.success) throw new BzzzError('internal', `${name}: the peer answered with an unexpected shape (${parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || 'value'}: ${i.message}`).join('; ')}); are the peer and this client the same version?`)
    return parsed.data as CallOutput<N>
  }

  /** GET /health (no token needed): liveness and version. */
  async health(): Promise<HealthStatus> {
    const { status, json } = await this.request('/health', { method: 'GET', headers: { Accept: 'application/json' } })
    if (status >= 400) throw errorFrom(status, json, 'GET /health')
    return json as HealthStatus
  }

  private async request(pathAndQuery: string, init: RequestInit): Promise<{ status: number; json: unknown }> {
    let status: number
    let text: string
    try {
      const res = await this.fetchImpl(`${this.url}${pathAndQuery}`, { ...init, signal: AbortSignal.timeout(this.timeoutMs), redirect: 'error' })
      status = res.status
      text = await res.text()
    } catch (err) {
      throw new BzzzError('unavailable', `no bzzz peer answers at ${this.url}; start one with 'bzzz peer --data-dir DIR'`, { cause: err })
    }
    try {
      return { status, json: JSON.parse(text) as unknown }
    } catch {
      throw new BzzzError(status >= 500 ? 'unavailable' : 'internal', `${this.url} answered HTTP ${status} without JSON; is it a bzzz peer?`)
    }
  }
}

function errorFrom(status: number, json: unknown, what: string): BzzzError {
  const parsed = errorSchema.safeParse((json as { error?: unknown } | null)?.error)
  if (!parsed.success) return new BzzzError('internal', `${what} failed with HTTP ${status} and no error body`)
  const e = parsed.data
  return new BzzzError(e.code, e.message, e.retryAfter === undefined ? undefined : { retryAfter: e.retryAfter })
}
