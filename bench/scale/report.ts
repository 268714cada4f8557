// The scale section of BENCHMARKS.md and its charts, from the raw results (bench/results/scale.json).
import type { BenchEnvironment } from '../lib/report.ts'
import { lineChart, logReference, type Series } from '../lib/svg.ts'
import type { ScaleResult } from './scenario.ts'

const SEEDS = { nodes: 100, p95Ms: 500, baseMB: 85 }
const MODES: ScaleResult['mode'][] = ['in-process', 'processes']
const LABEL = { 'in-process': 'all peers in one process (loopback TCP)', processes: '`bzzz peer` processes (loopback TCP)' }

const ms = (x: number) => (x >= 100 ? `${Math.round(x)} ms` : `${x.toFixed(1)} ms`)
const pct = (x: number) => `${(100 * x).toFixed(x === 1 ? 0 : 1)}%`
const s = (x: number) => `${(x / 1000).toFixed(1)} s`

function table(results: ScaleResult[]): string {
  const out = [
    '| N | formed in | publish P50 / P95 / P99 | replicas (min) | gossip delivery, P50 / P95 | after catch-up | DHT get P50 / P95, RPCs | failover (x timeout) | admins per term | memory per peer |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ]
  for (const r of results) {
    const f = r.failover
    out.push(
      [
        r.n,
        s(r.formMs),
        `${ms(r.publish.p50)} / ${ms(r.publish.p95)} / ${ms(r.publish.p99)}`,
        r.publish.replicasMin,
        `${pct(r.gossip.ratio)}, ${ms(r.gossip.p50)} / ${ms(r.gossip.p95)}`,
        `${pct(r.afterCatchUp.ratio)}${r.afterCatchUp.missing > 0 ? ` (${r.afterCatchUp.missing} missing)` : ''}`,
        `${ms(r.dht.p50)} / ${ms(r.dht.p95)}${r.dht.rpcs === undefined ? '' : `, ${r.dht.rpcs}`}`,
        f === undefined ? (r.failoverError === undefined ? '—' : '**failed**') : `${s(f.ms)} (${(f.ms / f.electionTimeoutMs).toFixed(2)}x)`,
        f === undefined ? '—' : `${f.adminsPerTermMax}`,
        `${r.memory.rssMB.toFixed(1)} MB${r.memory.jsMB === undefined ? '' : ` (JS ${r.memory.jsMB.toFixed(1)} MB)`}`,
      ].join(' | ').replace(/^/, '| ').concat(' |'),
    )
  }
  return out.join('\n')
}

/** The issue's goals at the largest N of each mode: met or not, with the figure. */
function goals(results: ScaleResult[]): string {
  const out = ['| mode, N | goal | ours | seeds claim | met |', '|---|---|---|---|---|']
  for (const mode of MODES) {
    const rs = results.filter((r) => r.mode === mode).sort((a, b) => a.n - b.n)
    const big = rs.at(-1)
    const small = rs[0]
    if (big === undefined || small === undefined) continue
    const at = `${mode}, ${big.n}`
    const yes = (b: boolean) => (b ? 'yes' : '**no**')
    out.push(`| ${at} | every announced decision at every live peer, after catch-up | ${pct(big.afterCatchUp.ratio)} | — | ${yes(big.afterCatchUp.ratio === 1)} |`)
    if (big.failoverError !== undefined) out.push(`| ${at} | failover under 2x the election timeout | failed: ${big.failoverError} | "scales to 1000 nodes", no figure | **no** |`)
    if (big.failover) {
      out.push(`| ${at} | exactly one admin per term | at most ${big.failover.adminsPerTermMax} | — | ${yes(big.failover.adminsPerTermMax === 1)} |`)
      out.push(`| ${at} | failover under 2x the election timeout (${s(big.failover.electionTimeoutMs)}) | ${s(big.failover.ms)} | "scales to 1000 nodes", no figure | ${yes(big.failover.ms < 2 * big.failover.electionTimeoutMs)} |`)
    }
    out.push(`| ${at} | memory per peer well under the seeds' base | ${big.memory.rssMB.toFixed(1)} MB | ${SEEDS.baseMB} MB | ${yes(big.memory.rssMB < SEEDS.baseMB / 2)} |`)
    out.push(`| ${at} | publish P95 under the seeds' 500 ms | ${ms(big.publish.p95)} | < ${SEEDS.p95Ms} ms | ${yes(big.publish.p95 < SEEDS.p95Ms)} |`)
    if (big.n > small.n) {
      // DHT cost grows no faster than log N: the ratio of the cost at the largest and the smallest N against log N's.
      const logRatio = Math.log(big.n) / Math.log(small.n)
      const latRatio = big.dht.p50 / small.dht.p50
      out.push(`| ${mode}, ${small.n}→${big.n} | DHT get latency grows no faster than log N (x${logRatio.toFixed(2)}) | x${latRatio.toFixed(2)} | — | ${yes(latRatio <= logRatio * 1.25)} |`)
      if (big.dht.rpcs !== undefined && small.dht.rpcs !== undefined) {
        const rpcRatio = big.dht.rpcs / small.dht.rpcs
        out.push(`| ${mode}, ${small.n}→${big.n} | DHT RPCs per lookup grow no faster than log N (x${logRatio.toFixed(2)}) | x${rpcRatio.toFixed(2)} | — | ${yes(rpcRatio <= logRatio * 1.25)} |`)
      }
    }
  }
  return out.join('\n')
}

function series(results: ScaleResult[], name: string, pick: (r: ScaleResult) => number | undefined): Series {
  return { name, points: results.flatMap((r) => (pick(r) === undefined ? [] : [[r.n, pick(r)!] as [number, number]])) }
}

export function scaleCharts(results: ScaleResult[]): Record<string, string> {
  const byMode = (m: ScaleResult['mode']) => results.filter((r) => r.mode === m).sort((a, b) => a.n - b.n)
  const inProc = byMode('in-process')
  const procs = byMode('processes')
  const short = { 'in-process': 'in-proc', processes: 'procs' }
  const latency: Series[] = []
  const memory: Series[] = []
  const dht: Series[] = []
  for (const [mode, rs] of [['in-process', inProc], ['processes', procs]] as const) {
    if (rs.length === 0) continue
    latency.push(series(rs, `publish P50, ${short[mode]}`, (r) => r.publish.p50), series(rs, `publish P95, ${short[mode]}`, (r) => r.publish.p95), series(rs, `gossip P50, ${short[mode]}`, (r) => r.gossip.p50), series(rs, `DHT get P50, ${short[mode]}`, (r) => r.dht.p50))
    memory.push(series(rs, `RSS per peer, ${short[mode]}`, (r) => r.memory.rssMB))
    const rpcs = series(rs, `RPCs per get, ${short[mode]}`, (r) => r.dht.rpcs)
    if (rpcs.points.length > 0) dht.push(rpcs, logReference(rpcs))
  }
  const charts: Record<string, string> = {
    'scale-latency.svg': lineChart({ title: 'Latency against network size', xLabel: 'peers (log scale)', yLabel: 'ms', series: latency }),
    'scale-memory.svg': lineChart({ title: 'Memory per peer against network size', xLabel: 'peers (log scale)', yLabel: 'MB', series: [...memory, { name: "seeds' base (85 MB)", dashed: true, points: [...new Set(results.map((r) => r.n))].map((n) => [n, SEEDS.baseMB] as [number, number]) }] }),
  }
  if (dht.length > 0) charts['scale-dht-rpcs.svg'] = lineChart({ title: 'DHT lookup cost against network size', xLabel: 'peers (log scale)', yLabel: 'RPCs per lookup', series: dht })
  return charts
}

export function scaleSection(results: ScaleResult[], env: BenchEnvironment, failures: string[], charts: string[]): string {
  const parts = [
    `Measured by \`npm run bench:scale\` on ${env.date.slice(0, 10)}: ${env.cpu}, ${env.cores} cores, ${env.memoryGB} GB, Node ${env.node}. Raw figures: \`bench/results/scale.json\`.`,
    '',
    'How: every peer is a full peer (vault, LevelDB, libp2p with kad-dht and gossipsub, election and custody), joined through the seated admin one by one, with the product\'s election timing (heartbeat 1 s, election timeout 5 s). Roles cycle architect, backend developer, observer. After the network formed: 3 warm-up publishes, then sequential publishes from rotating architects and backend developers, each a ~1 KB decision every member may read; gossip delivery counted for 15 s per decision and peer; then every peer catches up; then 20 DHT lookups of those records from rotating peers (time, and the kad-dht RPCs each took); then the admin is killed and the time until every live peer follows a new admin holding the rebuilt key is measured. Admins per term: every `election.leader` certificate any peer saw. Memory per peer: in one process, its growth with the network divided by N (settled, after GC); as processes, each `bzzz peer` process\'s RSS (mean).',
    '',
    '### Goals',
    '',
    goals(results),
  ]
  for (const mode of MODES) {
    const rs = results.filter((r) => r.mode === mode)
    if (rs.length === 0) continue
    parts.push('', `### ${LABEL[mode]}`, '', table(rs))
    const notes = rs.flatMap((r) => r.notes.map((n) => `- ${r.n} peers: ${n}`))
    if (notes.length > 0) parts.push('', ...notes)
  }
  if (failures.length > 0) parts.push('', '### Runs that did not complete', '', ...failures.map((f) => `- ${f}`))
  if (charts.length > 0) parts.push('', '### Charts', '', ...charts.map((c) => `![${c.replace('.svg', '').replace(/-/g, ' ')}](bench/results/${c})`))
  return parts.join('\n')
}
