// npm run bench [SUITE...]: the quick benchmark (minutes). Prints the table, writes bench/results/bench.json and the
// quick section of BENCHMARKS.md (naming suites re-measures only those and keeps the other rows). Every row:
// operation, ours, the seeds' claim, a floor measured in the same run.
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { cryptoRows } from './crypto.ts'
import { networkRows } from './network.ts'
import { electionRows } from './election.ts'
import { environment, markdownTable, printTable, writeReport, type Row } from './lib/report.ts'

const ROOT = join(import.meta.dirname, '..')
const BEGIN = '<!-- bench:quick:begin -->'
const END = '<!-- bench:quick:end -->'

async function updateBenchmarksMd(rows: Row[]): Promise<void> {
  const path = join(ROOT, 'BENCHMARKS.md')
  let doc: string
  try {
    doc = await readFile(path, 'utf8')
  } catch {
    doc = `# Benchmarks\n\n${BEGIN}\n${END}\n`
  }
  const env = environment()
  const section = [
    BEGIN,
    `Measured by \`npm run bench\` on ${env.date.slice(0, 10)}: ${env.cpu}, ${env.cores} cores, ${env.memoryGB} GB, Node ${env.node}; load average ${env.loadAverage} when it started.`,
    'Raw figures: `bench/results/bench.json`. Ratios: for times, ours divided by the other figure (lower is better).',
    '',
    markdownTable(rows),
    END,
  ].join('\n')
  const start = doc.indexOf(BEGIN)
  const end = doc.indexOf(END)
  doc = start >= 0 && end > start ? doc.slice(0, start) + section + doc.slice(end + END.length) : `${doc.trimEnd()}\n\n${section}\n`
  await writeFile(path, doc)
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
