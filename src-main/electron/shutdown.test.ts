import { describe, expect, it, vi } from 'vitest'
import { createShutdown } from './shutdown.ts'

describe('ordered shutdown', () => {
  it('runs the steps in order, each after the previous one settled, once', async () => {
    const order: string[] = []
    const slow = (name: string, ms: number) => () => new Promise<void>((r) => setTimeout(() => (order.push(name), r()), ms))
    const log = vi.fn()
    const shutdown = createShutdown(
      [
        { name: 'a', run: slow('a', 20) },
        { name: 'b', run: () => void order.push('b') },
        { name: 'c', run: slow('c', 5) },
      ],
      log,
    )
    const first = shutdown()
    const second = shutdown()
    expect(second).toBe(first)
    await first
    expect(order).toEqual(['a', 'b', 'c'])
    await shutdown()
    expect(order).toEqual(['a', 'b', 'c'])
    expect(log).toHaveBeenCalledWith('info', 'shutdown: a', expect.objectContaining({ ms: expect.any(Number) }))
  })

  it('a failing step is logged and the next steps still run', async () => {
    const order: string[] = []
    const log = vi.fn()
    await createShutdown(
      [
        { name: 'close the peer', run: () => Promise.reject(new Error('store busy')) },
        { name: 'exit', run: () => void order.push('exit') },
      ],
      log,
    )()
    expect(order).toEqual(['exit'])
    expect(log).toHaveBeenCalledWith('error', 'shutdown: close the peer failed', { error: 'store busy' })
  })

  it('a hanging step gives way after its timeout, so Quit always ends', async () => {
    const order: string[] = []
    const log = vi.fn()
    const t0 = Date.now()
    await createShutdown(
      [
        { name: 'hang', run: () => new Promise(() => undefined), timeoutMs: 30 },
        { name: 'exit', run: () => void order.push('exit') },
      ],
      log,
    )()
    expect(order).toEqual(['exit'])
    expect(Date.now() - t0).toBeLessThan(1_000)
    expect(log).toHaveBeenCalledWith('warn', expect.stringContaining('hang did not finish in time'), { timeoutMs: 30 })
  })
})
