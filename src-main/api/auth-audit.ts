// Failed API authentication (a missing or wrong token, a token in the URL) goes to the audit log as `api_auth_failed`
// with the transport, the remote address and the reason; never the presented token. A flood cannot fill the disk:
// per transport and remote address the first failure is written at once and further failures within the window
// (one minute) are counted and written as one summary entry when the window ends, so there is at most one entry per
// remote per window. Beyond `maxRemotes` distinct remotes in flight, failures are summed under remote '*'.
import type { AuditLog } from '../core/audit/audit-log.ts'
import type { Logger } from '../core/peer.ts'

export type AuthFailureReason = 'missing_token' | 'wrong_token' | 'token_in_url' | 'auth_timeout'

export interface AuthFailure {
  transport: string
  remote: string | undefined
  reason: AuthFailureReason
}

interface Window {
  suppressed: number
  reasons: Set<AuthFailureReason>
  timer: NodeJS.Timeout | undefined
}

export interface AuthFailureAuditOptions {
  windowMs?: number
  maxRemotes?: number
  log?: Logger
}

export class AuthFailureAudit {
  private readonly audit: Pick<AuditLog, 'append'>
  private readonly windowMs: number
  private readonly maxRemotes: number
  private readonly log: Logger | undefined
  private readonly windows = new Map<string, Window>()
  private readonly writes = new Set<Promise<unknown>>()
  private closed = false

  constructor(audit: Pick<AuditLog, 'append'>, opts: AuthFailureAuditOptions = {}) {
    this.audit = audit
    this.windowMs = opts.windowMs ?? 60_000
    this.maxRemotes = opts.maxRemotes ?? 1000
    this.log = opts.log
  }

  /** Counts one failure; writes an entry now or in the window's summary. Never throws. */
  record(failure: AuthFailure): void {
    if (this.closed) return
    let remote = failure.remote ?? 'unknown'
    let key = `${failure.transport}|${remote}`
    if (!this.windows.has(key) && this.windows.size >= this.maxRemotes) {
      remote = '*'
      key = `${failure.transport}|*`
    }
    const w = this.windows.get(key)
    if (w === undefined) {
      this.windows.set(key, { suppressed: 0, reasons: new Set(), timer: undefined })
      this.write({ transport: failure.transport, remote, reason: failure.reason, failures: 1 })
      this.schedule(key)
      return
    }
    w.suppressed++
    w.reasons.add(failure.reason)
  }

  /** Writes the pending summaries and stops; the audit log must still be open. */
  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    for (const key of [...this.windows.keys()]) this.flush(key, false)
    await Promise.allSettled([...this.writes])
  }

  private schedule(key: string): void {
    const w = this.windows.get(key)
    if (w === undefined) return
    w.timer = setTimeout(() => this.flush(key, true), this.windowMs)
    w.timer.unref()
  }

  /** Ends a window: a summary entry when failures were held back, and a new window so the next minute stays at one entry. */
  private flush(key: string, reopen: boolean): void {
    const w = this.windows.get(key)
    if (w === undefined) return
    clearTimeout(w.timer)
    this.windows.delete(key)
    if (w.suppressed === 0) return
    const [transport = '', remote = ''] = key.split('|')
    this.write({ transport, remote, reason: [...w.reasons].sort().join(','), failures: w.suppressed, windowSeconds: Math.round(this.windowMs / 1000), summary: true })
    if (reopen && !this.closed) {
      this.windows.set(key, { suppressed: 0, reasons: new Set(), timer: undefined })
      this.schedule(key)
    }
  }

  private write(detail: Record<string, unknown>): void {
    const p = this.audit
      .append('api_auth_failed', detail)
      .catch((err: unknown) => this.log?.('warn', 'audit append failed', { kind: 'api_auth_failed', error: err instanceof Error ? err.message : String(err) }))
      .finally(() => this.writes.delete(p))
    this.writes.add(p)
  }
}
