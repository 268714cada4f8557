// One decision: sanitized Markdown, status, author and signature, who can read it, links, the "superseded by"
// banner and the version history. A decision this member cannot read shows who can, and why.
import type { Decision, DecisionListItem } from '../../../src-shared/decisions.ts'
import { recipientRoles } from '../../../src-shared/roles.ts'
import { CallError } from '../../api/client.tsx'
import { useDecision, useMember } from '../../api/queries.ts'
import { ErrorNotice } from '../../components/ErrorNotice.tsx'
import { Icon } from '../../components/Icon.tsx'
import { SafeMarkdown } from '../../components/Markdown.tsx'
import { RelativeTime } from '../../components/RelativeTime.tsx'
import { RoleBadge } from '../../components/RoleBadge.tsx'
import { StatusBadge } from '../../components/StatusBadge.tsx'
import { TYPE_LABELS } from '../../format/labels.ts'
import { useUi } from '../../state/ui-store.ts'
import { History } from './History.tsx'
import { LockedDetail } from './LockedDetail.tsx'

function AddressLink({ address }: { address: string }) {
  const navigate = useUi((s) => s.navigate)
  return (
    <a
      href={`/decisions/${address}`}
      className="mono address-link"
      onClick={(e) => {
        e.preventDefault()
        navigate({ screen: 'decisions', address })
      }}
    >
      {address}
    </a>
  )
}

function Body({ decision }: { decision: Decision }) {
  const { header: h, content: c } = decision
  const member = useMember()
  const navigate = useUi((s) => s.navigate)
  const readers = recipientRoles(h.audience)
  const newest = decision.supersededBy.at(-1)
  return (
    <article className="detail" aria-labelledby="detail-title">
      {newest !== undefined && (
        <div className="banner banner-warn" role="note">
          <Icon name="alert" />
          <span>
            Superseded by <AddressLink address={newest} />
          </span>
        </div>
      )}
      <header className="detail-head">
        <h2 id="detail-title" tabIndex={-1}>
          {c.title}
        </h2>
        <div className="detail-badges">
          <StatusBadge status={c.status} />
          <span className="badge">{TYPE_LABELS[h.type]}</span>
          {c.tags.map((t) => (
            <span key={t} className="tag">
              {t}
            </span>
          ))}
        </div>
      </header>
      <dl className="detail-facts">
        <dt>Author</dt>
        <dd>
          {h.author} <RoleBadge role={h.authorRole} />
        </dd>
        <dt>Published</dt>
        <dd>
          <RelativeTime at={h.createdAt} />
        </dd>
        <dt>Signature</dt>
        <dd className="sig-ok">
          <Icon name="check" /> valid — signed by {decision.signature.signer} <span className="muted mono">key {decision.signature.keyId.slice(0, 12)}</span>
        </dd>
        <dt>Readable by</dt>
        <dd className="readable-by">
          {readers.map((r) => (
            <RoleBadge key={r} role={r} />
          ))}
        </dd>
        <dt>Address</dt>
        <dd className="mono break">{h.address}</dd>
        {h.supersedes !== undefined && (
          <>
            <dt>Supersedes</dt>
            <dd>
              <AddressLink address={h.supersedes} />
            </dd>
          </>
        )}
      </dl>
      {c.context !== undefined && c.context !== '' && (
        <section className="detail-section">
          <h3>Context</h3>
          <SafeMarkdown source={c.context} />
        </section>
      )}
      <section className="detail-section">
        <h3>Decision</h3>
        {c.body === '' ? <p className="muted">No text.</p> : <SafeMarkdown source={c.body} />}
      </section>
      {c.consequences !== undefined && c.consequences !== '' && (
        <section className="detail-section">
          <h3>Consequences</h3>
          <SafeMarkdown source={c.consequences} />
        </section>
      )}
      {c.options !== undefined && c.options.length > 0 && (
        <section className="detail-section">
          <h3>Considered options</h3>
          <ul>
            {c.options.map((o, i) => (
              <li key={i}>{o}</li>
            ))}
          </ul>
        </section>
      )}
      {c.links.length > 0 && (
        <section className="detail-section">
          <h3>Links</h3>
          <ul className="links">
            {c.links.map((l) => (
              <li key={`${l.kind}:${l.address}`}>
                <span className="badge">{l.kind.replace('_', ' ')}</span> <AddressLink address={l.address} />
              </li>
            ))}
          </ul>
        </section>
      )}
      <History decision={decision} />
      {member !== undefined && newest === undefined && (
        <div className="form-actions">
          <button type="button" className="btn" onClick={() => navigate({ screen: 'publish', supersedes: h.address })}>
            Publish a new version
          </button>
        </div>
      )}
    </article>
  )
}

export function DecisionDetail({ address, item }: { address: string; item: DecisionListItem | undefined }) {
  const locked = item?.locked === true
  const decision = useDecision(address, !locked)
  if (item?.locked === true) return <LockedDetail item={item} />
  if (decision.isError) {
    const err = decision.error
    if (err instanceof CallError && (err.code === 'forbidden' || err.code === 'locked')) return <LockedDetail address={address} message={err.message} />
    return <ErrorNotice error={err} title="This decision cannot be shown" onRetry={() => void decision.refetch()} />
  }
  if (decision.data === undefined) {
    return (
      <div className="detail" aria-busy="true">
        <p className="muted">Decrypting and checking the signature…</p>
      </div>
    )
  }
  return <Body decision={decision.data} />
}
