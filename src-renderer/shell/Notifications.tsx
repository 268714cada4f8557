// In-app notifications: new decisions in the member's scope, elections, share requests. Announced politely to
// screen readers; share requests stay until answered or dismissed.
import { useEffect } from 'react'
import { Icon, type IconName } from '../components/Icon.tsx'
import { useUi, type Notice } from '../state/ui-store.ts'

const ICON: Record<Notice['kind'], IconName> = { decision: 'decisions', election: 'elections', custody: 'custody', info: 'bell', error: 'alert' }
const LIFETIME_MS = 10_000

function Toast({ notice }: { notice: Notice }) {
  const dismiss = useUi((s) => s.dismiss)
  const navigate = useUi((s) => s.navigate)
  useEffect(() => {
    if (notice.sticky === true) return
    const t = setTimeout(() => dismiss(notice.id), LIFETIME_MS)
    return () => clearTimeout(t)
  }, [notice, dismiss])
  return (
    <li className={`toast toast-${notice.kind}`}>
      <Icon name={ICON[notice.kind]} />
      <div className="toast-text">
        <strong>{notice.title}</strong>
        {notice.body !== undefined && <span className="muted">{notice.body}</span>}
      </div>
      {notice.route !== undefined && (
        <button
          type="button"
          className="btn btn-small"
          onClick={() => {
            navigate(notice.route!)
            dismiss(notice.id)
          }}
        >
          Open
        </button>
      )}
      <button type="button" className="icon-button" aria-label={`Dismiss: ${notice.title}`} onClick={() => dismiss(notice.id)}>
        <Icon name="x" />
      </button>
    </li>
  )
}

export function Notifications() {
  const notices = useUi((s) => s.notices)
  return (
    <section className="toasts" aria-label="Notifications" aria-live="polite">
      <ul>
        {notices.map((n) => (
          <Toast key={n.id} notice={n} />
        ))}
      </ul>
    </section>
  )
}
