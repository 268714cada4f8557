import { describe, expect, it } from 'vitest'
import { AuthFailureAudit } from './auth-audit.ts'

function fakeAudit() {
  const entries: { kind: string; detail: Record<string, unknown> }[] = []
  return {
    entries,
    append: async (kind: string, detail: Record<string, unknown>) => {
      entries.push({ kind, detail })
      return {} as never
    },
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('audit of API authentication failures', () => {
  it('writes the first failure at once and a flood as one summary per window', async () => {
    const audit = fakeAudit()
    const a = new AuthFailureAudit(audit, { windowMs: 150 })
    for (let i = 0; i < 1000; i++) a.record({ transport: 'http', remote: '127.0.0.1', reason: i % 2 === 0 ? 'wrong_token' : 'missing_token' })
    a.record({ transport: 'ws', remote: '127.0.0.1', reason: 'token_in_url' })
    await sleep(20)
    expect(audit.entries).toEqual([
      { kind: 'api_auth_failed', detail: { transport: 'http', remote: '127.0.0.1', reason: 'wrong_token', failures: 1 } },
      { kind: 'api_auth_failed', detail: { transport: 'ws', remote: '127.0.0.1', reason: 'token_in_url', failures: 1 } },
    ])
    await sleep(200)
    expect(audit.entries).toHaveLength(3)
    expect(audit.entries[2]!.detail).toEqual({ transport: 'http', remote: '127.0.0.1', reason: 'missing_token,wrong_token', failures: 999, windowSeconds: 0, summary: true })
    // The next window is still limited: one more failure right after the summary waits for the window's end.
    a.record({ transport: 'http', remote: '127.0.0.1', reason: 'wrong_token' })
    await sleep(20)
    expect(audit.entries).toHaveLength(3)
    await a.close()
    expect(audit.entries).toHaveLength(4)
    expect(audit.entries[3]!.detail).toMatchObject({ failures: 1, summary: true })
    // Closed: nothing more is written.
    a.record({ transport: 'http', remote: '10.0.0.1', reason: 'wrong_token' })
    await sleep(10)
    expect(audit.entries).toHaveLength(4)
  })

  it('sums failures from too many remotes under one entry', async () => {
    const audit = fakeAudit()
    const a = new AuthFailureAudit(audit, { windowMs: 60_000, maxRemotes: 3 })
    for (let i = 0; i < 100; i++) a.record({ transport: 'http', remote: `10.0.0.${i}`, reason: 'wrong_token' })
    await a.close()
    expect(audit.entries.length).toBeLessThanOrEqual(5)
    const total = audit.entries.reduce((n, e) => n + (e.detail.failures as number), 0)
    expect(total).toBe(100)
    expect(audit.entries.some((e) => e.detail.remote === '*')).toBe(true)
  })

  it('never throws when the audit log fails', async () => {
    const logged: string[] = []
    const a = new AuthFailureAudit({ append: async () => Promise.reject(new Error('store closed')) }, { log: (_l, m) => logged.push(m) })
    a.record({ transport: 'http', remote: undefined, reason: 'missing_token' })
    await a.close()
    expect(logged).toEqual(['audit append failed'])
  })
})
