// Who released what and when: share releases, refusals, recoveries and election results from the audit log, for
// the roles the matrix lets read it.
import { may, type Role } from '../../../src-shared/roles.ts'
import { useAudit } from '../../api/queries.ts'
import { ErrorNotice } from '../../components/ErrorNotice.tsx'
import { fullDate } from '../../format/time.ts'

const KINDS = new Set(['share_released', 'share_refused', 'admin_key_recovered', 'election_result'])
const KIND_TEXT: Record<string, string> = {
  share_released: 'Share released',
  share_refused: 'Share refused',
  admin_key_recovered: 'Admin key recovered',
  election_result: 'Election result',
}

function detailText(detail: Record<string, unknown>): string {
  return Object.entries(detail)
    .filter(([, v]) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')
    .map(([k, v]) => `${k}: ${String(v)}`)
    .join(' · ')
}

export function AuditTrail({ role }: { role: Role }) {
  const permission = may(role, 'debug_access', { debugTool: 'audit_log' })
  const audit = useAudit(permission.allowed)
  if (!permission.allowed) {
    return (
      <section className="card" aria-labelledby="audit-h">
        <h2 id="audit-h">Audit trail</h2>
        <p className="muted">Not available to your role: {permission.reason}.</p>
      </section>
    )
  }
  const entries = (audit.data?.entries ?? []).filter((e) => KINDS.has(e.kind)).reverse()
  return (
    <section className="card" aria-labelledby="audit-h">
      <h2 id="audit-h">Audit trail</h2>
      {audit.isError && <ErrorNotice error={audit.error} onRetry={() => void audit.refetch()} />}
      {audit.isSuccess && entries.length === 0 && <p className="muted">No releases or recoveries on record at this peer.</p>}
      {entries.length > 0 && (
        <table className="table" data-testid="audit-trail">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">What</th>
              <th scope="col">By</th>
              <th scope="col">Details</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.seq}>
                <td className="nowrap">{fullDate(e.at)}</td>
                <td>{KIND_TEXT[e.kind] ?? e.kind}</td>
                <td>{e.actor ?? '–'}</td>
                <td className="muted small">{detailText(e.detail)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}
