// The list's filters. Text fields apply while you type (debounced); a pattern or tag applies only when valid.
import { useCallback, useEffect, useState } from 'react'
import { DECISION_STATUSES, tagSchema, type DecisionStatus } from '../../../src-shared/decisions.ts'
import { DECISION_TYPES, ROLES, type DecisionType, type Role } from '../../../src-shared/roles.ts'
import { Field } from '../../components/Field.tsx'
import { PatternField } from '../../components/PatternField.tsx'
import { ROLE_LABELS, STATUS_LABELS, TYPE_LABELS } from '../../format/labels.ts'
import { SEARCH_INPUT_ID } from '../../shell/useShortcuts.ts'
import { useUi } from '../../state/ui-store.ts'

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value)
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms)
    return () => clearTimeout(t)
  }, [value, ms])
  return v
}

function tagProblem(tag: string): string | undefined {
  if (tag === '') return undefined
  const r = tagSchema.safeParse(tag)
  return r.success ? undefined : (r.error.issues[0]?.message ?? 'not a tag')
}

function SearchField() {
  const q = useUi((s) => s.filters.q)
  const setFilters = useUi((s) => s.setFilters)
  const [text, setText] = useState(q ?? '')
  const debounced = useDebounced(text.trim(), 200)
  useEffect(() => {
    if ((q ?? '') !== debounced) setFilters({ q: debounced === '' ? undefined : debounced.slice(0, 200) })
  }, [debounced, q, setFilters])
  return (
    <Field label="Search" noMessage className="field-search">
      <input type="search" id={SEARCH_INPUT_ID} value={text} placeholder="Title, text and tags  ( / )" title="Searches titles, bodies, context, consequences and tags" maxLength={200} onChange={(e) => setText(e.target.value)} />
    </Field>
  )
}

function TagField() {
  const tag = useUi((s) => s.filters.tag)
  const setFilters = useUi((s) => s.setFilters)
  const [text, setText] = useState(tag ?? '')
  const trimmed = text.trim().toLowerCase()
  const problem = tagProblem(trimmed)
  useEffect(() => {
    if (problem === undefined && (tag ?? '') !== trimmed) setFilters({ tag: trimmed === '' ? undefined : trimmed })
  }, [problem, trimmed, tag, setFilters])
  return (
    <Field label="Tag" error={problem} hideLabel>
      <input type="text" value={text} placeholder="Tag, e.g. storage" spellCheck={false} onChange={(e) => setText(e.target.value)} />
    </Field>
  )
}

export function Filters() {
  const filters = useUi((s) => s.filters)
  const epoch = useUi((s) => s.filterEpoch)
  const setFilters = useUi((s) => s.setFilters)
  const clearFilters = useUi((s) => s.clearFilters)
  const onPattern = useCallback((pattern: string | undefined) => setFilters({ pattern }), [setFilters])
  const active = Object.keys(filters).length
  return (
    <form className="filters" role="search" aria-label="Filter decisions" onSubmit={(e) => e.preventDefault()} key={epoch}>
      <SearchField />
      <PatternField value={filters.pattern} onChange={onPattern} />
      <div className="filters-row">
        <Field label="Type" noMessage hideLabel>
          <select value={filters.type ?? ''} onChange={(e) => setFilters({ type: (e.target.value || undefined) as DecisionType | undefined })}>
            <option value="">Any type</option>
            {DECISION_TYPES.map((t) => (
              <option key={t} value={t}>
                {TYPE_LABELS[t]}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Status" noMessage hideLabel>
          <select value={filters.status ?? ''} onChange={(e) => setFilters({ status: (e.target.value || undefined) as DecisionStatus | undefined })}>
            <option value="">Any status</option>
            {DECISION_STATUSES.map((s) => (
              <option key={s} value={s}>
                {STATUS_LABELS[s]}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Audience" noMessage hideLabel>
          <select value={filters.audience ?? ''} onChange={(e) => setFilters({ audience: (e.target.value || undefined) as Role | undefined })}>
            <option value="">Any audience</option>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {ROLE_LABELS[r]}
              </option>
            ))}
          </select>
        </Field>
        <TagField />
      </div>
      <div className="filters-foot">
        <span className="muted">{active === 0 ? 'No filters' : `${active} filter${active === 1 ? '' : 's'} active`}</span>
        <button type="button" className="link-button" onClick={clearFilters} disabled={active === 0}>
          Clear filters
        </button>
      </div>
    </form>
  )
}
