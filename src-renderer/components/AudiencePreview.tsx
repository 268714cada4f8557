// Who will be able to read a decision addressed to a role: the audience and every role above it (the key
// hierarchy), with the members of each role when the roster is known.
import type { Member } from '../../src-shared/network.ts'
import { recipientRoles, ROLES, type Role } from '../../src-shared/roles.ts'
import { ROLE_LABELS } from '../format/labels.ts'
import { Icon } from './Icon.tsx'

export function AudiencePreview({ audience, members }: { audience: Role; members?: Member[] }) {
  const readers = new Set(recipientRoles(audience))
  return (
    <div className="audience-preview" aria-label={`Who can read a decision addressed to ${ROLE_LABELS[audience]}`} role="group">
      <ul>
        {ROLES.map((role) => {
          const can = readers.has(role)
          const names = members?.filter((m) => m.role === role).map((m) => m.name) ?? []
          return (
            <li key={role} className={can ? 'can-read' : 'cannot-read'} data-role={role}>
              <Icon name={can ? 'check' : 'lock'} />
              <span className="audience-role">{ROLE_LABELS[role]}</span>
              <span className="audience-verdict">{can ? 'can read' : 'sees it locked'}</span>
              {members !== undefined && <span className="audience-members muted">{names.length === 0 ? 'no members' : names.join(', ')}</span>}
            </li>
          )
        })}
      </ul>
    </div>
  )
}
