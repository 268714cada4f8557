// npm run bench:scale [-- --sizes=10,25,50,100 --modes=in-process,processes --publishes=20 | --report-only]
// Networks of N peers, in one process (loopback TCP) and as `bzzz peer` processes (loopback TCP), measured by one
// scenario (bench/scale/scenario.ts). Writes bench/results/scale.json (raw), the charts next to it, and the scale
// section of BENCHMARKS.md. A run of some sizes or modes replaces just those results (and failures) and keeps the
// others. Each network is measured in a fresh process of its own: measured one after another in one process, the
// later networks' memory per peer came out lower (the heap and allocator kept what the earlier ones had grown).
import { spawnSync } from 'node:child_process'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { openInProcess } from './scale/in-process.ts'
import { openProcesses } from './scale/processes.ts'
import { runScenario, type ScaleResult } from './scale/scenario.ts'
import { scaleCharts, scaleSection } from './scale/report.ts'
import { environment, writeBenchmarksSection } from './lib/report.ts'

const ROOT = join(import.meta.dirname, '..')
const RESULTS = join(import.meta.dirname, 'results')

function arg(name: string, fallback: string): string {
  const hit = process.argv.slice(2).find((a) => a.startsWith(`--${name}=`))
  return hit === undefined ? fallback : hit.slice(name.length + 3)
}

const sizes = arg('sizes', '10,25,50,100').split(',').map(Number)
const modes = arg('modes', 'in-process,processes').split(',') as ScaleResult['mode'][]
const publishes = Number(arg('publishes', '20'))
// The product's defaults: a heartbeat a second, an election after 5 s of silence.
const HEARTBEAT_MS = 1000
const ELECTION_TIMEOUT_MS = 5000

async function measure(mode: ScaleResult['mode'], n: number): Promise<ScaleResult> {
  const log = (line: string) => process.stderr.write(`  [${mode} ${n}] ${line}\n`)
  log('forming the network…')
  const timing = { electionTimeoutMs: ELECTION_TIMEOUT_MS, heartbeatMs: HEARTBEAT_MS, log }
  const { net, formMs } = mode === 'in-process' ? await openInProcess(n, timing) : await openProcesses(n, timing)
  log(`formed in ${(formMs / 1000).toFixed(1)} s`)
  try {
    return await runScenario(net, formMs, {
      publishes,
      dhtLookups: 20,
      gossipWindowMs: 15_000,
      catchUpWindowMs: 60_000,
      electionTimeoutMs: ELECTION_TIMEOUT_MS,
      failover: true,
      log,
    })
  } finally {
    await net.close()
  }
}

async function previous(): Promise<ScaleResult[]> {
  try {
    return (JSON.parse(await readFile(join(RESULTS, 'scale.json'), 'utf8')) as { results: ScaleResult[] }).results
  } catch {
    return []
  }
}

async function previousFailures(): Promise<string[]> {
  try {
    return (JSON.parse(await readFile(join(RESULTS, 'scale.json'), 'utf8')) as { failures?: string[] }).failures ?? []
  } catch {
    return []
  }
}

async function main(): Promise<void> {
  const fresh: ScaleResult[] = []
  const failures: string[] = []
  const measured: string[] = []
  // --report-only: write BENCHMARKS.md and the charts again from the raw results, measuring nothing.
  const reportOnly = process.argv.includes('--report-only')
  const runs = reportOnly ? [] : modes.flatMap((mode) => sizes.map((n) => ({ mode, n })))
  if (runs.length > 1) {
    // One child per network; each merges its result into scale.json, and this process writes the report at the end.
    let failed = false
    const died: string[] = []
    for (const { mode, n } of runs) {
      const child = spawnSync(process.execPath, [...process.execArgv, import.meta.filename, `--modes=${mode}`, `--sizes=${n}`, `--publishes=${publishes}`], { stdio: 'inherit' })
      if (child.status !== 0) failed = true
      // A child that died (out of memory, killed) wrote nothing: its failure is recorded here.
      if (child.status === null) died.push(`${mode} ${n}`)
    }
    await writeReport([], died.map((m) => `${m}: the measuring process died (killed by a signal)`), died)
    if (failed) process.exitCode = 1
    return
  }
  for (const { mode, n } of runs) {
    const t0 = performance.now()
    measured.push(`${mode} ${n}`)
    process.stderr.write(`bench:scale ${mode}, ${n} peers\n`)
    try {
      const r = await measure(mode, n)
      fresh.push(r)
      process.stderr.write(`  done in ${((performance.now() - t0) / 1000).toFixed(0)} s\n`)
    } catch (err) {
      // One size failing (a machine out of memory at 100 processes) still reports the others, and says so.
      failures.push(`${mode} ${n}: ${(err as Error).message}`)
      process.stderr.write(`  FAILED: ${(err as Error).stack}\n`)
    }
  }
  await writeReport(fresh, failures, measured)
  if (failures.length > 0) process.exitCode = 1
}

/** Merges fresh results and failures into scale.json (replacing those of the networks measured) and redraws. */
async function writeReport(fresh: ScaleResult[], newFailures: string[], measured: string[]): Promise<void> {
  const kept = (await previous()).filter((r) => !measured.includes(`${r.mode} ${r.n}`))
  const results = [...kept, ...fresh].sort((a, b) => a.mode.localeCompare(b.mode) || a.n - b.n)
  const failures = [...(await previousFailures()).filter((f) => !measured.some((m) => f.startsWith(`${m}:`))), ...newFailures]
  const env = environment()
  await writeFile(join(RESULTS, 'scale.json'), `${JSON.stringify({ environment: env, results, failures }, null, 2)}\n`)
  const charts = scaleCharts(results)
  for (const [file, svg] of Object.entries(charts)) await writeFile(join(RESULTS, file), svg)
  await writeBenchmarksSection(join(ROOT, 'BENCHMARKS.md'), 'scale', scaleSection(results, env, failures, Object.keys(charts)))
  if (measured.length === 0) console.log(scaleSection(results, env, failures, []))
}

await main()
