// One row of the list. A locked decision is shown as locked — its type, author, date and who can read it — never
// hidden and never as ciphertext.
import type { DecisionListItem } from '../../../src-shared/decisions.ts'
import { Icon } from '../../components/Icon.tsx'
import { StatusBadge } from '../../components/StatusBadge.tsx'
import { lockReasonText, roleList, TYPE_LABELS } from '../../format/labels.ts'
import { shortDate } from '../../format/time.ts'

export function rowId(index: number): string {
  return `decision-row-${index}`
}

export function DecisionRow({ item, index, total, selected, open, onClick }: { item: DecisionListItem; index: number; total: number; selected: boolean; open: boolean; onClick: () => void }) {
  const h = item.header
  const cls = `decision-row${selected ? ' selected' : ''}${open ? ' open' : ''}${item.locked ? ' locked' : ''}`
  return (
    <div id={rowId(index)} role="option" aria-selected={selected} aria-posinset={index + 1} aria-setsize={total} className={cls} onClick={onClick} data-address={h.address}>
      {item.locked ? (
        <>
          <div className="row-main">
            <Icon name="lock" className="row-lock" />
            <span className="row-title locked-title" title={lockReasonText(item.reason, h.audience)}>
              Locked {TYPE_LABELS[h.type].toLowerCase()}
            </span>
            <span className="row-date muted">{shortDate(h.createdAt)}</span>
          </div>
          <div className="row-meta muted">
            <span className="row-readable">Readable by {roleList(item.readableBy)}</span>
            <span>·</span>
            <span>{h.author}</span>
          </div>
        </>
      ) : (
        <>
          <div className="row-main">
            <span className="row-title">{item.title}</span>
            {item.supersededBy.length > 0 ? <span className="badge status-superseded" title="A newer version replaces this one">Superseded</span> : <StatusBadge status={item.status} />}
          </div>
          <div className="row-meta muted">
            <span>{TYPE_LABELS[h.type]}</span>
            <span>·</span>
            <span>{h.author}</span>
            <span>·</span>
            <span>{shortDate(h.createdAt)}</span>
            {item.tags.slice(0, 3).map((t) => (
              <span key={t} className="tag">
                {t}
              </span>
            ))}
          </div>
        </>
      )}
    </div>
  )
}

export function SkeletonRow({ index, total }: { index: number; total: number }) {
  return (
    <div id={rowId(index)} role="option" aria-selected={false} aria-posinset={index + 1} aria-setsize={total} aria-busy="true" className="decision-row skeleton">
      <div className="row-main">
        <span className="skeleton-bar wide" />
      </div>
      <div className="row-meta">
        <span className="skeleton-bar" />
      </div>
    </div>
  )
}
