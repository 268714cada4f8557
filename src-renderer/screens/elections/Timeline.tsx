// The last elections, term by term: heartbeat lost → pre-vote → election → votes → winner → key recovered.
import type { ElectionStatus } from '../../../src-shared/governance.ts'
import { clock } from '../../format/time.ts'

type Ev = ElectionStatus['timeline'][number]

const KIND_TEXT: Record<Ev['kind'], string> = {
  heartbeat_lost: 'Heartbeat lost',
  pre_vote: 'Pre-vote',
  election_started: 'Election started',
  vote: 'Vote',
  leader_elected: 'Admin elected',
  key_recovered: 'Admin key recovered',
  step_down: 'Stepped down',
}

function describe(e: Ev): string {
  const who = e.memberId === undefined ? '' : ` — ${e.memberId}`
  return `${KIND_TEXT[e.kind]}${who}${e.detail === undefined ? '' : ` (${e.detail})`}`
}

export function Timeline({ timeline }: { timeline: Ev[] }) {
  if (timeline.length === 0) return <p className="muted">No elections yet: the founding admin has held the seat since the network was created.</p>
  const terms = new Map<number, Ev[]>()
  for (const e of [...timeline].sort((a, b) => a.at - b.at)) terms.set(e.term, [...(terms.get(e.term) ?? []), e])
  const ordered = [...terms.entries()].sort((a, b) => b[0] - a[0]).slice(0, 8)
  return (
    <ol className="timeline" aria-label="Recent elections, newest first">
      {ordered.map(([term, events]) => {
        const votes = events.filter((e) => e.kind === 'vote')
        const shown = events.filter((e) => e.kind !== 'vote')
        const firstVote = events.findIndex((e) => e.kind === 'vote')
        return (
          <li key={term} className="timeline-term">
            <h3>Term {term}</h3>
            <ol className="timeline-steps">
              {shown.map((e, i) => (
                <li key={i} className={`step step-${e.kind}`}>
                  <time className="muted mono">{clock(e.at)}</time> {describe(e)}
                  {e.kind === 'election_started' && votes.length > 0 && firstVote >= 0 && (
                    <span className="step-votes">
                      {' '}
                      → {votes.length} vote{votes.length === 1 ? '' : 's'}: {votes.map((v) => v.memberId ?? '?').join(', ')}
                    </span>
                  )}
                </li>
              ))}
              {shown.length === 0 && votes.length > 0 && (
                <li className="step step-vote">
                  {votes.length} vote{votes.length === 1 ? '' : 's'}: {votes.map((v) => v.memberId ?? '?').join(', ')}
                </li>
              )}
            </ol>
          </li>
        )
      })}
    </ol>
  )
}
