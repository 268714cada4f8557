// On the new admin: "x of 3 shares", any bad share named, and the outcome.
import type { CustodyStatus } from '../../../src-shared/governance.ts'
import { Icon } from '../../components/Icon.tsx'

type Rec = NonNullable<CustodyStatus['recovery']>

const STATE_TEXT: Record<Rec['state'], string> = {
  collecting: 'Collecting shares from the custodians…',
  recovered: 'Admin key rebuilt and verified against the admin public key.',
  failed: 'Recovery failed: the shares did not rebuild the admin key.',
  expired: 'The recovery session expired before enough shares arrived.',
}

export function Recovery({ recovery }: { recovery: Rec }) {
  const shown = Math.min(recovery.received, recovery.needed)
  return (
    <section className={`card recovery recovery-${recovery.state}`} aria-labelledby="recovery-h">
      <h2 id="recovery-h">Admin key recovery · term {recovery.term}</h2>
      <p className="recovery-count" data-testid="recovery-count">
        <strong>
          {shown} of {recovery.needed}
        </strong>{' '}
        shares
      </p>
      <progress max={recovery.needed} value={shown} aria-label={`${shown} of ${recovery.needed} shares received`} />
      <p role="status" className={recovery.state === 'recovered' ? 'ok-line' : recovery.state === 'collecting' ? 'muted' : 'field-error'}>
        {recovery.state === 'recovered' && <Icon name="check" />} {STATE_TEXT[recovery.state]}
      </p>
      {recovery.badShares.length > 0 && (
        <div className="bad-shares" role="alert">
          <strong>Bad shares</strong>
          <ul>
            {recovery.badShares.map((b) => (
              <li key={b.memberId}>
                {b.memberId}: {b.reason}
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  )
}
