// Timing for the benchmark: warm up, then time batches large enough to read the clock reliably, and report the
// median per-operation time over batches (robust against a GC pause or a neighbour on the other core).
export interface Timing {
  /** Median per-op time over batches, microseconds. */
  medianUs: number
  minUs: number
  p95Us: number
  ops: number
}

export async function timeOp(fn: () => unknown, opts: { minBatchMs?: number; batches?: number; warmupMs?: number } = {}): Promise<Timing> {
  const minBatchMs = opts.minBatchMs ?? 25
  const batches = opts.batches ?? 15
  const warmupEnd = performance.now() + (opts.warmupMs ?? 150)
  let perBatch = 1
  while (performance.now() < warmupEnd) await fn()
  // Grow the batch until it takes at least minBatchMs.
  for (;;) {
    const t0 = performance.now()
    for (let i = 0; i < perBatch; i++) await fn()
    if (performance.now() - t0 >= minBatchMs || perBatch >= 1 << 20) break
    perBatch *= 2
  }
  const samples: number[] = []
  for (let b = 0; b < batches; b++) {
    const t0 = performance.now()
    for (let i = 0; i < perBatch; i++) await fn()
    samples.push(((performance.now() - t0) * 1000) / perBatch)
  }
  samples.sort((a, b) => a - b)
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))] ?? 0
  return { medianUs: at(0.5), minUs: samples[0] ?? 0, p95Us: at(0.95), ops: perBatch * batches }
}

/** Latency distribution of individually timed operations (network rows), milliseconds. */
export function percentiles(samplesMs: number[]): { p50: number; p95: number; p99: number; n: number } {
  const s = [...samplesMs].sort((a, b) => a - b)
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99), n: s.length }
}
