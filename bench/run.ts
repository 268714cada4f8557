// npm run bench [SUITE...]: the quick benchmark (minutes). Prints the table, writes bench/results/bench.json and the
// quick section of BENCHMARKS.md (naming suites re-measures only those and keeps the other rows). Every row:
// operation, ours, the seeds' claim, a floor measured in the same run.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { cryptoRows } from './crypto.ts'
import { networkRows } from './network.ts'
import { electionRows } from './election.ts'
import { environment, markdownTable, printTable, writeBenchmarksSection, writeReport, type Row } from './lib/report.ts'

const ROOT = join(import.meta.dirname, '..')

async function updateBenchmarksMd(rows: Row[]): Promise<void> {
  const env = environment()
  const section = [
    `Measured by \`npm run bench\` on ${env.date.slice(0, 10)}: ${env.cpu}, ${env.cores} cores, ${env.memoryGB} GB, Node ${env.node}; load average ${env.loadAverage} when it started.`,
    'Raw figures: `bench/results/bench.json`. Ratios: for times, ours divided by the other figure (lower is better).',
    '',
    markdownTable(rows),
  ].join('\n')
  await writeBenchmarksSection(join(ROOT, 'BENCHMARKS.md'), 'quick', section)
}

async function main(): Promise<void> {
  const only = process.argv.slice(2)
  const suites: [string, () => Promise<Row[]>][] = [
    ['crypto', cryptoRows],
    ['network', networkRows],
    ['election', () => electionRows([5, 25])],
  ]
  const rows: Row[] = []
  for (const [name, run] of suites) {
    if (only.length > 0 && !only.includes(name)) continue
    const t0 = performance.now()
    process.stderr.write(`bench: ${name}...`)
    rows.push(...(await run()))
    process.stderr.write(` ${((performance.now() - t0) / 1000).toFixed(1)} s\n`)
  }
  printTable(rows)
  // A run of some suites replaces just those suites' rows in the last full results, so the report stays whole.
  const merged = only.length === 0 ? rows : [...(await previousRows()).filter((r) => !only.includes(r.suite)), ...rows]
  await writeReport(import.meta.dirname, 'bench', merged)
  await updateBenchmarksMd(merged)
}

async function previousRows(): Promise<Row[]> {
  try {
    return (JSON.parse(await readFile(join(import.meta.dirname, 'results', 'bench.json'), 'utf8')) as { rows: Row[] }).rows
  } catch {
    return []
  }
}

await main()
