// Benchmark rows and their report: the console table, the raw JSON, and BENCHMARKS.md.
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { cpus, loadavg, totalmem } from 'node:os'
import { join } from 'node:path'

export interface Row {
  suite: string
  operation: string
  /** Our figure and its unit. */
  ours: number
  unit: 'µs' | 'ms' | 'ops/s' | 'MB' | 'KB' | '%' | 'msgs'
  /** The seeds' claimed figure in the same unit, where they make one. */
  seed?: number
  seedNote?: string
  /** The floor measured in the same run, same unit, and what it is. */
  floor?: number
  floorNote?: string
  /** How the figure was measured. */
  method: string
}

function fmt(n: number | undefined, unit: string): string {
  if (n === undefined) return '—'
  // Below 1, three significant digits (a cached read is a few microseconds when written in ms).
  if (n !== 0 && Math.abs(n) < 1) return `${Number(n.toPrecision(3))} ${unit}`
  const digits = n >= 100 ? 0 : n >= 10 ? 1 : 2
  return `${n.toFixed(digits)} ${unit}`
}

/** For rates, bigger is better: the ratio is floor / ours; for times and sizes, ours / floor. */
function ratio(row: Row, against: number | undefined): string {
  if (against === undefined || against === 0 || row.ours === 0) return '—'
  const r = row.unit === 'ops/s' || row.unit === '%' ? against / row.ours : row.ours / against
  return r < 0.01 ? `${Number(r.toPrecision(2))}x` : `${r.toFixed(2)}x`
}

export function printTable(rows: Row[]): void {
  const head = ['suite', 'operation', 'ours', 'seeds claim', 'floor (same run)', 'ours/floor', 'ours/seeds']
  const body = rows.map((r) => [r.suite, r.operation, fmt(r.ours, r.unit), fmt(r.seed, r.unit), fmt(r.floor, r.unit), ratio(r, r.floor), ratio(r, r.seed)])
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] ?? '').length)))
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ')
  console.log(line(head))
  console.log(widths.map((w) => '-'.repeat(w)).join('  '))
  for (const b of body) console.log(line(b))
}

export interface BenchEnvironment {
  node: string
  cpu: string
  cores: number
  memoryGB: number
  date: string
  /** The 1-minute load average when the run started: anything else running on the machine skews the figures. */
  loadAverage: number
}

const loadAtStart = loadavg()[0] ?? 0

export function environment(): BenchEnvironment {
  return { node: process.version, cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, memoryGB: Math.round(totalmem() / 2 ** 30), date: new Date().toISOString(), loadAverage: Number(loadAtStart.toFixed(2)) }
}

export async function writeReport(dir: string, name: string, rows: Row[]): Promise<void> {
  await mkdir(join(dir, 'results'), { recursive: true })
  const env = environment()
  await writeFile(join(dir, 'results', `${name}.json`), `${JSON.stringify({ environment: env, rows }, null, 2)}\n`)
}

export function markdownTable(rows: Row[]): string {
  const out = ['| suite | operation | ours | seeds claim | floor (same run) | ours/floor | ours/seeds | how measured |', '|---|---|---|---|---|---|---|---|']
  for (const r of rows) {
    const seed = r.seed === undefined ? '—' : `${fmt(r.seed, r.unit)}${r.seedNote ? ` (${r.seedNote})` : ''}`
    const floor = r.floor === undefined ? '—' : `${fmt(r.floor, r.unit)}${r.floorNote ? ` (${r.floorNote})` : ''}`
    out.push(`| ${r.suite} | ${r.operation} | ${fmt(r.ours, r.unit)} | ${seed} | ${floor} | ${ratio(r, r.floor)} | ${ratio(r, r.seed)} | ${r.method} |`)
  }
  return out.join('\n')
}

/** Replaces the block between `<!-- bench:NAME:begin -->` and its end marker in BENCHMARKS.md (appends it if absent). */
export async function writeBenchmarksSection(path: string, name: string, body: string): Promise<void> {
  const begin = `<!-- bench:${name}:begin -->`
  const end = `<!-- bench:${name}:end -->`
  const doc = await readFile(path, 'utf8').catch(() => '# Benchmarks\n')
  const block = `${begin}\n${body}\n${end}`
  const i = doc.indexOf(begin)
  const j = doc.indexOf(end)
  await writeFile(path, i >= 0 && j > i ? doc.slice(0, i) + block + doc.slice(j + end.length) : `${doc.trimEnd()}\n\n${block}\n`)
}
