// Custody: the custodians, pending share requests for this custodian, recovery progress on the new admin, and the
// audit trail of releases.
import { useEffect } from 'react'
import { useCustody, useMember } from '../../api/queries.ts'
import { useUi } from '../../state/ui-store.ts'
import { ErrorNotice } from '../../components/ErrorNotice.tsx'
import { ScreenHeader } from '../../components/ScreenHeader.tsx'
import { AuditTrail } from './AuditTrail.tsx'
import { Recovery } from './Recovery.tsx'
import { RequestCard } from './RequestCard.tsx'

export function CustodyScreen() {
  const member = useMember()
  const custody = useCustody()
  const c = custody.data
  const open = c?.pending.filter((r) => r.state === 'pending').length
  // A share-request notification has done its job once nothing waits for an answer any more.
  useEffect(() => {
    if (open !== 0) return
    const { notices, dismiss } = useUi.getState()
    for (const n of notices) if (n.kind === 'custody') dismiss(n.id)
  }, [open])
  const requests = [...(c?.pending ?? [])].sort((a, b) => Number(b.state === 'pending') - Number(a.state === 'pending') || b.requestedAt - a.requestedAt)
  return (
    <div className="screen">
      <ScreenHeader title="Key custody" />
      {custody.isError && <ErrorNotice error={custody.error} title="Custody state unavailable" onRetry={() => void custody.refetch()} />}
      {c !== undefined && (
        <>
          <div className="stat-cards">
            <div className="stat">
              <span className="stat-label">Threshold</span>
              <span className="stat-value">
                {c.threshold} of {c.custodians.length === 0 ? 5 : Math.max(5, c.custodians.length)}
              </span>
            </div>
            <div className="stat">
              <span className="stat-label">Epoch</span>
              <span className="stat-value">{c.epoch}</span>
            </div>
            <div className="stat">
              <span className="stat-label">This peer</span>
              <span className="stat-value" data-testid="custody-self">
                {c.holdsShare ? 'holds a share' : 'holds no share'}
              </span>
            </div>
            <div className="stat">
              <span className="stat-label">Release policy</span>
              <span className="stat-value">{c.policy === 'auto' ? 'automatic' : 'ask me'}</span>
            </div>
          </div>
          {c.recovery !== undefined && <Recovery recovery={c.recovery} />}
          <section aria-labelledby="requests-h">
            <h2 id="requests-h">Share requests</h2>
            {requests.length === 0 ? (
              <p className="muted">
                {c.holdsShare
                  ? c.policy === 'auto'
                    ? 'None. With the automatic policy, a certified winner receives your share without asking you.'
                    : 'None. When a certified winner asks for your share, it appears here for you to approve or deny.'
                  : 'None: this peer holds no share.'}
              </p>
            ) : (
              <ul className="requests">
                {requests.map((r) => (
                  <RequestCard key={r.id} request={r} />
                ))}
              </ul>
            )}
          </section>
          <section className="card" aria-labelledby="custodians-h">
            <h2 id="custodians-h">Custodians</h2>
            <ul className="custodians">
              {c.custodians.map((k) => (
                <li key={k.memberId}>
                  <span className={k.online === true ? 'dot dot-ok' : 'dot'} aria-label={k.online === true ? 'online' : 'offline'} /> {k.memberId}
                  <span className="muted"> · share #{k.shareIndex}</span>
                </li>
              ))}
              {Array.from({ length: Math.max(0, 5 - c.custodians.length) }, (_, i) => (
                <li key={`empty-${i}`} className="muted">
                  <span className="dot" aria-hidden="true" /> unassigned share (kept by the admin for the next member)
                </li>
              ))}
            </ul>
          </section>
        </>
      )}
      {member !== undefined && <AuditTrail role={member.role} />}
    </div>
  )
}
