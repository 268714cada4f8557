// Process memory after garbage collection, for the memory rows. No heavy imports: the memory probe measures the
// process before it loads the modules it is about to measure.
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

export const MB = 2 ** 20
export const KB = 2 ** 10

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** global.gc without --expose-gc on the command line (`node bench/run.ts` stays the command). */
function collector(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc
  if (exposed !== undefined) return exposed
  setFlagsFromString('--expose-gc')
  return runInNewContext('gc') as () => void
}
let gc: (() => void) | undefined

export interface Memory {
  rss: number
  /** JS heap in use plus memory held outside it by JS objects (Buffers, Uint8Arrays). */
  js: number
  heap: number
  external: number
}

export async function settledMemory(): Promise<Memory> {
  gc ??= collector()
  for (let i = 0; i < 3; i++) {
    gc()
    await sleep(50)
  }
  const m = process.memoryUsage()
  return { rss: m.rss, js: m.heapUsed + m.external, heap: m.heapUsed, external: m.external }
}

/**
 * Memory once it stopped moving: a freshly formed network sheds several MB of start-up state over its first ~15 s.
 * Readings every `everyMs` until two changes in a row are both below `toleranceBytes` (or `maxMs` has passed).
 */
export async function stableMemory(opts: { everyMs?: number; maxMs?: number; toleranceBytes?: number } = {}): Promise<Memory & { waitedMs: number; settled: boolean }> {
  const everyMs = opts.everyMs ?? 2_000
  const tolerance = opts.toleranceBytes ?? 512 * KB
  const t0 = performance.now()
  const end = t0 + (opts.maxMs ?? 30_000)
  let last = await settledMemory()
  let quiet = 0
  while (performance.now() < end) {
    await sleep(everyMs)
    const m = await settledMemory()
    quiet = Math.abs(m.js - last.js) < tolerance ? quiet + 1 : 0
    last = m
    if (quiet >= 2) break
  }
  return { ...last, waitedMs: performance.now() - t0, settled: quiet >= 2 }
}
