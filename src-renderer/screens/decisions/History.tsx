// Every version of a decision, oldest first, and a line diff against the version before the one shown.
import { useState } from 'react'
import type { Decision } from '../../../src-shared/decisions.ts'
import { useDecision, useHistory } from '../../api/queries.ts'
import { ErrorNotice } from '../../components/ErrorNotice.tsx'
import { Icon } from '../../components/Icon.tsx'
import { lineDiff } from '../../format/diff.ts'
import { shortDate } from '../../format/time.ts'
import { useUi } from '../../state/ui-store.ts'

function textOf(d: Decision): string {
  const c = d.content
  return [`# ${c.title}`, `status: ${c.status}`, c.context === undefined ? '' : `## Context\n${c.context}`, `## Decision\n${c.body}`, c.consequences === undefined ? '' : `## Consequences\n${c.consequences}`]
    .filter((s) => s !== '')
    .join('\n')
}

function Diff({ previous, current }: { previous: string; current: Decision }) {
  const prev = useDecision(previous)
  if (prev.isError) return <ErrorNotice error={prev.error} title="The earlier version cannot be shown" />
  if (prev.data === undefined) return <p className="muted">Loading the earlier version…</p>
  const lines = lineDiff(textOf(prev.data), textOf(current))
  return (
    <pre className="diff" aria-label="Changes from the previous version">
      {lines.map((l, i) => (
        <span key={i} className={`diff-${l.kind}`}>
          {l.kind === 'added' ? '+ ' : l.kind === 'removed' ? '- ' : '  '}
          {l.text}
          {'\n'}
        </span>
      ))}
    </pre>
  )
}

export function History({ decision }: { decision: Decision }) {
  const address = decision.header.address
  const history = useHistory(address)
  const navigate = useUi((s) => s.navigate)
  const [showDiff, setShowDiff] = useState(false)
  if (history.isError) return <ErrorNotice error={history.error} title="Version history unavailable" onRetry={() => void history.refetch()} />
  const versions = history.data?.versions ?? []
  const at = versions.findIndex((v) => v.header.address === address)
  const previous = at > 0 ? versions[at - 1] : undefined
  return (
    <section className="detail-section" aria-labelledby="history-h">
      <h3 id="history-h">Version history</h3>
      {history.isPending ? (
        <p className="muted">Loading…</p>
      ) : (
        <ol className="history">
          {versions.map((v, i) => (
            <li key={v.header.address} className={v.header.address === address ? 'current' : undefined}>
              <span className="history-n">v{i + 1}</span>
              {v.header.address === address ? (
                <strong>{v.locked ? 'Locked version' : v.title} (shown)</strong>
              ) : (
                <button type="button" className="link-button" onClick={() => navigate({ screen: 'decisions', address: v.header.address })}>
                  {v.locked && <Icon name="lock" />}
                  {v.locked ? 'Locked version' : v.title}
                </button>
              )}
              <span className="muted">
                {v.header.author} · {shortDate(v.header.createdAt)}
              </span>
            </li>
          ))}
        </ol>
      )}
      {previous !== undefined && !previous.locked && (
        <>
          <button type="button" className="btn btn-small" aria-expanded={showDiff} onClick={() => setShowDiff((s) => !s)}>
            {showDiff ? 'Hide changes' : `Compare with v${at}`}
          </button>
          {showDiff && <Diff previous={previous.header.address} current={decision} />}
        </>
      )}
    </section>
  )
}
