// Elections: term and admin, each peer's state, candidates with their scores, the last elections; the admin can
// start one. Live: events refetch it, and while open it refreshes last-seen times every few seconds.
import { may } from '../../../src-shared/roles.ts'
import { keys, useCall, useElection, useMember } from '../../api/queries.ts'
import { ErrorNotice } from '../../components/ErrorNotice.tsx'
import { Icon } from '../../components/Icon.tsx'
import { RelativeTime } from '../../components/RelativeTime.tsx'
import { RoleBadge } from '../../components/RoleBadge.tsx'
import { ScreenHeader } from '../../components/ScreenHeader.tsx'
import { Timeline } from './Timeline.tsx'

const STATE_TEXT: Record<string, string> = { follower: 'follower', pre_candidate: 'pre-candidate', candidate: 'candidate', leader: 'admin (leader)', unknown: 'unknown' }

export function ElectionsScreen() {
  const member = useMember()
  const election = useElection(true)
  const trigger = useCall('election.trigger', (_r, qc) => void qc.invalidateQueries({ queryKey: keys.election }))
  const allowed = member === undefined ? { allowed: false as const, reason: 'no member' } : may(member.role, 'trigger_election')
  const e = election.data
  const maxScore = Math.max(1, ...(e?.candidates.map((c) => c.score) ?? [1]))
  return (
    <div className="screen">
      <ScreenHeader title="Elections">
        <button type="button" className="btn" disabled={!allowed.allowed || trigger.isPending} title={allowed.allowed ? 'Hand the admin seat to an election now' : allowed.reason} onClick={() => trigger.mutate({})}>
          {trigger.isPending ? 'Starting…' : 'Start an election'}
        </button>
      </ScreenHeader>
      {!allowed.allowed && <p className="muted reason-line">Starting an election: {allowed.reason}.</p>}
      {trigger.isError && <ErrorNotice error={trigger.error} title="No election started" />}
      {election.isError && <ErrorNotice error={election.error} title="Election state unavailable" onRetry={() => void election.refetch()} />}
      {e !== undefined && (
        <>
          <div className="stat-cards">
            <div className="stat">
              <span className="stat-label">Term</span>
              <span className="stat-value" data-testid="election-term">
                {e.term}
              </span>
            </div>
            <div className="stat">
              <span className="stat-label">Admin</span>
              <span className="stat-value" data-testid="election-admin">
                {e.admin === undefined ? 'none' : <><Icon name="crown" /> {e.admin}</>}
              </span>
            </div>
            <div className="stat">
              <span className="stat-label">This peer</span>
              <span className="stat-value">{STATE_TEXT[e.self] ?? e.self}</span>
            </div>
            <div className="stat">
              <span className="stat-label">Admin lease</span>
              <span className="stat-value">{e.leaseExpiresAt === undefined ? '–' : <RelativeTime at={e.leaseExpiresAt} />}</span>
            </div>
          </div>
          <div className="two-col">
            <section className="card" aria-labelledby="cand-h">
              <h2 id="cand-h">Candidates</h2>
              <p className="muted">Ordered by score: holding the admin key, role, uptime and connectivity. Uptime and capacity are known for this peer only.</p>
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col">Member</th>
                    <th scope="col">Role</th>
                    <th scope="col">Score</th>
                    <th scope="col" className="num" title="Uptime and connectivity (capacity): known for this peer only">
                      Uptime · capacity
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {[...e.candidates].sort((a, b) => b.score - a.score).map((c) => (
                    <tr key={c.memberId} className={c.eligible ? undefined : 'muted'}>
                      <td className="nowrap">
                        {c.name}
                        {!c.eligible && <span className="muted small" title="Not a candidate (observers never stand)"> · not eligible</span>}
                      </td>
                      <td><RoleBadge role={c.role} /></td>
                      <td className="score">
                        <meter min={0} max={maxScore} value={c.score} aria-label={`score of ${c.name}`} /> <span className="mono">{c.score.toFixed(2)}</span>
                      </td>
                      <td className="num nowrap">{c.memberId === member?.id ? `${Math.round(c.uptime * 100)}% · ${c.capacity.toFixed(2)}` : '–'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
            <section className="card" aria-labelledby="states-h">
              <h2 id="states-h">Peers</h2>
              <table className="table" data-testid="election-peers">
                <thead>
                  <tr>
                    <th scope="col">Member</th>
                    <th scope="col">State</th>
                    <th scope="col">Last heard</th>
                  </tr>
                </thead>
                <tbody>
                  {e.peers.map((p) => (
                    <tr key={p.memberId}>
                      <td>{p.memberId}{p.memberId === e.admin ? ' (admin)' : ''}</td>
                      <td>
                        <span className={`state state-${p.state}`}>{p.state === 'unknown' && p.lastSeen === undefined ? 'not heard yet' : (STATE_TEXT[p.state] ?? p.state)}</span>
                      </td>
                      <td>{p.lastSeen === undefined ? <span className="muted">never</span> : <RelativeTime at={p.lastSeen} />}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          </div>
          <section className="card" aria-labelledby="timeline-h">
            <h2 id="timeline-h">Recent elections</h2>
            <Timeline timeline={e.timeline} />
          </section>
        </>
      )}
    </div>
  )
}
