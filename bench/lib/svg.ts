// Small self-contained SVG line charts for BENCHMARKS.md (GitHub renders them inline): N on a log axis, the figure on
// a linear one from zero, a legend, and optional dashed reference curves (e.g. c·log N through the first point).
export interface Series {
  name: string
  points: [number, number][]
  dashed?: boolean
}

export interface Chart {
  title: string
  xLabel: string
  yLabel: string
  series: Series[]
}

const W = 640
const H = 360
const M = { left: 64, right: 180, top: 40, bottom: 48 }
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b']

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

/** 1, 2, 5 x 10^k ticks covering [0, max]. */
function ticks(max: number): number[] {
  if (!(max > 0)) return [0, 1]
  const raw = max / 5
  const pow = 10 ** Math.floor(Math.log10(raw))
  const step = [1, 2, 5, 10].map((m) => m * pow).find((s) => s >= raw) ?? raw
  const out: number[] = []
  for (let v = 0; v <= max + step * 0.999; v += step) out.push(Number(v.toPrecision(12)))
  return out
}

export function lineChart(chart: Chart): string {
  const xs = [...new Set(chart.series.flatMap((s) => s.points.map(([x]) => x)))].sort((a, b) => a - b)
  const yMax = Math.max(0, ...chart.series.flatMap((s) => s.points.map(([, y]) => y)))
  const yTicks = ticks(yMax * 1.05)
  const yTop = yTicks.at(-1) ?? 1
  const lx = (x: number) => Math.log(x)
  const [x0, x1] = [lx(xs[0] ?? 1), lx(xs.at(-1) ?? 10)]
  const px = (x: number) => M.left + ((lx(x) - x0) / (x1 - x0 || 1)) * (W - M.left - M.right)
  const py = (y: number) => H - M.bottom - (y / yTop) * (H - M.top - M.bottom)
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="${W / 2 - M.right / 2 + M.left / 2}" y="22" text-anchor="middle" font-size="14" font-weight="bold">${esc(chart.title)}</text>`,
  ]
  for (const t of yTicks) {
    out.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${py(t).toFixed(1)}" y2="${py(t).toFixed(1)}" stroke="#e5e5e5"/>`)
    out.push(`<text x="${M.left - 6}" y="${(py(t) + 4).toFixed(1)}" text-anchor="end">${t}</text>`)
  }
  for (const x of xs) {
    out.push(`<line x1="${px(x).toFixed(1)}" x2="${px(x).toFixed(1)}" y1="${M.top}" y2="${H - M.bottom}" stroke="#f0f0f0"/>`)
    out.push(`<text x="${px(x).toFixed(1)}" y="${H - M.bottom + 16}" text-anchor="middle">${x}</text>`)
  }
  out.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${H - M.bottom}" y2="${H - M.bottom}" stroke="#333"/>`)
  out.push(`<line x1="${M.left}" x2="${M.left}" y1="${M.top}" y2="${H - M.bottom}" stroke="#333"/>`)
  out.push(`<text x="${(M.left + W - M.right) / 2}" y="${H - 10}" text-anchor="middle">${esc(chart.xLabel)}</text>`)
  out.push(`<text transform="translate(16 ${(M.top + H - M.bottom) / 2}) rotate(-90)" text-anchor="middle">${esc(chart.yLabel)}</text>`)
  chart.series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length]!
    const pts = [...s.points].sort((a, b) => a[0] - b[0])
    const d = pts.map(([x, y], k) => `${k === 0 ? 'M' : 'L'}${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' ')
    out.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`)
    if (!s.dashed) for (const [x, y] of pts) out.push(`<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="3.5" fill="${color}"/>`)
    const ly = M.top + 8 + i * 20
    out.push(`<line x1="${W - M.right + 12}" x2="${W - M.right + 36}" y1="${ly}" y2="${ly}" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`)
    out.push(`<text x="${W - M.right + 42}" y="${ly + 4}">${esc(s.name)}</text>`)
  })
  out.push('</svg>')
  return `${out.join('\n')}\n`
}

/** A dashed reference curve c·log2(N) through the series' first point: what "grows no faster than log N" looks like. */
export function logReference(series: Series, name = 'c·log N'): Series {
  const pts = [...series.points].sort((a, b) => a[0] - b[0])
  const first = pts[0]
  if (first === undefined) return { name, points: [], dashed: true }
  const c = first[1] / Math.log2(first[0])
  return { name, dashed: true, points: pts.map(([x]) => [x, c * Math.log2(x)]) }
}
