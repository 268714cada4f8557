// Times as people read them: "3 min ago", "in 40 s", and a full date for tooltips.

export function relative(at: number, now = Date.now()): string {
  const d = Math.round((at - now) / 1000)
  const a = Math.abs(d)
  const [n, unit] = a < 60 ? [a, 's'] : a < 3600 ? [Math.round(a / 60), 'min'] : a < 86_400 ? [Math.round(a / 3600), 'h'] : [Math.round(a / 86_400), 'd']
  if (a < 5) return 'just now'
  return d < 0 ? `${n} ${unit} ago` : `in ${n} ${unit}`
}

export function fullDate(at: number): string {
  return new Date(at).toLocaleString(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' })
}

export function shortDate(at: number): string {
  return new Date(at).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' })
}

export function clock(at: number): string {
  return new Date(at).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' })
}
