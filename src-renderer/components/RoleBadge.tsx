import type { Role } from '../../src-shared/roles.ts'
import { ROLE_LABELS } from '../format/labels.ts'

export function RoleBadge({ role }: { role: Role }) {
  return <span className={`badge role-${role}`}>{ROLE_LABELS[role]}</span>
}
