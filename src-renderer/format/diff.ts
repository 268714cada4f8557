// A line diff (longest common subsequence) for comparing two versions of a decision's text.

export type DiffLine = { kind: 'same' | 'added' | 'removed'; text: string }

/** Lines of `before` and `after` as kept, removed and added. Quadratic; decisions are small (256 KiB at most). */
export function lineDiff(before: string, after: string, maxLines = 2000): DiffLine[] {
  const a = before.split('\n').slice(0, maxLines)
  const b = after.split('\n').slice(0, maxLines)
  const n = a.length
  const m = b.length
  // lcs[i][j] = length of the LCS of a[i..] and b[j..]
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1))
  for (let i = n - 1; i >= 0; i--) {
    const row = lcs[i]!
    const next = lcs[i + 1]!
    for (let j = m - 1; j >= 0; j--) row[j] = a[i] === b[j] ? next[j + 1]! + 1 : Math.max(next[j]!, row[j + 1]!)
  }
  const out: DiffLine[] = []
  let i = 0
  let j = 0
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      out.push({ kind: 'same', text: a[i]! })
      i++
      j++
    } else if (lcs[i + 1]![j]! >= lcs[i]![j + 1]!) {
      out.push({ kind: 'removed', text: a[i++]! })
    } else {
      out.push({ kind: 'added', text: b[j++]! })
    }
  }
  while (i < n) out.push({ kind: 'removed', text: a[i++]! })
  while (j < m) out.push({ kind: 'added', text: b[j++]! })
  return out
}
