// What a member sees of a decision it cannot read: that it exists, its public header, who can read it and why not.
import type { DecisionListItem } from '../../../src-shared/decisions.ts'
import { Icon } from '../../components/Icon.tsx'
import { RelativeTime } from '../../components/RelativeTime.tsx'
import { RoleBadge } from '../../components/RoleBadge.tsx'
import { lockReasonText, TYPE_LABELS } from '../../format/labels.ts'

type Locked = Extract<DecisionListItem, { locked: true }>

export function LockedDetail({ item, address, message }: { item?: Locked; address?: string; message?: string }) {
  const h = item?.header
  return (
    <article className="detail locked-detail" aria-labelledby="locked-title">
      <div className="locked-hero">
        <Icon name="lock" />
        <h2 id="locked-title" tabIndex={-1}>
          Locked {h === undefined ? 'decision' : TYPE_LABELS[h.type].toLowerCase()}
        </h2>
      </div>
      <p>{item !== undefined ? lockReasonText(item.reason, item.header.audience) : (message ?? 'You cannot read this decision.')}.</p>
      {item !== undefined && (
        <>
          <p>
            Readable by{' '}
            {item.readableBy.map((r) => (
              <RoleBadge key={r} role={r} />
            ))}
            {item.reason === 'role' && <span className="muted"> — ask one of them if you need its content.</span>}
          </p>
          <dl className="detail-facts">
            <dt>Author</dt>
            <dd>
              {item.header.author} <RoleBadge role={item.header.authorRole} />
            </dd>
            <dt>Published</dt>
            <dd>
              <RelativeTime at={item.header.createdAt} />
            </dd>
            <dt>Size</dt>
            <dd>{item.header.size.toLocaleString()} bytes, encrypted</dd>
            <dt>Address</dt>
            <dd className="mono break">{item.header.address}</dd>
          </dl>
        </>
      )}
      {item === undefined && address !== undefined && <p className="mono break muted">{address}</p>}
    </article>
  )
}
