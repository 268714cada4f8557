// A small step chart of a count over time (SVG, no styles inline: colours come from CSS classes).
export function Sparkline({ samples, now, windowMs, label, width = 160, height = 36 }: { samples: [number, number][]; now: number; windowMs: number; label: string; width?: number; height?: number }) {
  const start = now - windowMs
  const visible = samples.filter(([t]) => t >= start)
  const before = samples.filter(([t]) => t < start).at(-1)
  const points: [number, number][] = [...(before === undefined ? [] : [[start, before[1]] as [number, number]]), ...visible]
  const last = points.at(-1)
  if (last !== undefined) points.push([now, last[1]])
  const max = Math.max(1, ...points.map(([, v]) => v))
  const x = (t: number) => ((t - start) / windowMs) * (width - 2) + 1
  const y = (v: number) => height - 2 - (v / max) * (height - 4)
  let d = ''
  points.forEach(([t, v], i) => {
    d += i === 0 ? `M${x(t).toFixed(1)},${y(v).toFixed(1)}` : `H${x(t).toFixed(1)}V${y(v).toFixed(1)}`
  })
  const current = last?.[1]
  return (
    <figure className="sparkline">
      <svg width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={`${label}: ${current ?? 'no data'} now, at most ${max} in the window`}>
        <line className="sparkline-base" x1="0" x2={width} y1={height - 1} y2={height - 1} />
        {d !== '' && <path className="sparkline-line" d={d} />}
      </svg>
      <figcaption>
        <span className="sparkline-value">{current ?? '–'}</span> {label}
      </figcaption>
    </figure>
  )
}
