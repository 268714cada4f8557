// One share request as a custodian sees it: which peer, which term, who certified it, when it expires; approve or
// deny (with a reason).
import { useState } from 'react'
import type { QueryClient } from '@tanstack/react-query'
import type { CustodyStatus } from '../../../src-shared/governance.ts'
import { keys, useCall } from '../../api/queries.ts'
import { ErrorNotice } from '../../components/ErrorNotice.tsx'
import { Field } from '../../components/Field.tsx'
import { RelativeTime } from '../../components/RelativeTime.tsx'
import { useNow } from '../../components/useNow.ts'

type Request = CustodyStatus['pending'][number]

export function RequestCard({ request }: { request: Request }) {
  const [denying, setDenying] = useState(false)
  const [reason, setReason] = useState('')
  const now = useNow(1000)
  const invalidate = (_: unknown, qc: QueryClient) => void qc.invalidateQueries({ queryKey: keys.custody })
  const approve = useCall('custody.approve', invalidate)
  const deny = useCall('custody.deny', invalidate)
  const expired = request.expiresAt <= now
  const open = request.state === 'pending' && !expired
  return (
    <li className={`card request request-${request.state}`} aria-labelledby={`req-${request.id}`}>
      <h3 id={`req-${request.id}`}>
        {request.winner} asks for your share <span className={`badge state-${request.state}`}>{expired && request.state === 'pending' ? 'expired' : request.state}</span>
      </h3>
      <dl className="detail-facts">
        <dt>Certified winner</dt>
        <dd>{request.winner}</dd>
        <dt>Term</dt>
        <dd>{request.term}</dd>
        <dt>Certified by</dt>
        <dd>{request.certifiedBy.length === 0 ? <span className="muted">nobody</span> : `${request.certifiedBy.join(', ')} (${request.certifiedBy.length} signed votes)`}</dd>
        <dt>Requested</dt>
        <dd>
          <RelativeTime at={request.requestedAt} />
        </dd>
        <dt>Expires</dt>
        <dd>{expired ? 'expired' : `in ${Math.max(0, Math.round((request.expiresAt - now) / 1000))} s`}</dd>
      </dl>
      {open && !denying && (
        <div className="form-actions">
          <button type="button" className="btn btn-primary" disabled={approve.isPending} onClick={() => approve.mutate({ requestId: request.id })}>
            {approve.isPending ? 'Releasing…' : 'Approve and release my share'}
          </button>
          <button type="button" className="btn" onClick={() => setDenying(true)}>
            Deny
          </button>
        </div>
      )}
      {open && denying && (
        <form
          className="deny-form"
          onSubmit={(e) => {
            e.preventDefault()
            deny.mutate({ requestId: request.id, reason })
          }}
        >
          <Field label="Why do you refuse? (recorded in the audit log)">
            <input type="text" value={reason} maxLength={500} autoFocus onChange={(e) => setReason(e.target.value)} />
          </Field>
          <div className="form-actions">
            <button type="submit" className="btn btn-danger" disabled={deny.isPending}>
              Deny the request
            </button>
            <button type="button" className="btn" onClick={() => setDenying(false)}>
              Back
            </button>
          </div>
        </form>
      )}
      {approve.isError && <ErrorNotice error={approve.error} title="The share was not released" />}
      {deny.isError && <ErrorNotice error={deny.error} title="Not denied" />}
    </li>
  )
}
