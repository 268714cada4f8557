// Words for the contract's identifiers.
import type { DecisionListItem, DecisionStatus } from '../../src-shared/decisions.ts'
import type { DecisionType, Role } from '../../src-shared/roles.ts'

export const ROLE_LABELS: Record<Role, string> = {
  observer: 'Observer',
  backend_dev: 'Backend developer',
  architect: 'Architect',
  admin: 'Admin',
}

export const TYPE_LABELS: Record<DecisionType, string> = {
  suggestion: 'Suggestion',
  decision: 'Decision',
  architectural: 'Architectural decision',
  code: 'Code change (CI)',
}

export const STATUS_LABELS: Record<DecisionStatus, string> = {
  draft: 'Draft',
  proposed: 'Proposed',
  accepted: 'Accepted',
  rejected: 'Rejected',
  deprecated: 'Deprecated',
  superseded: 'Superseded',
}

type LockReason = Extract<DecisionListItem, { locked: true }>['reason']

export function lockReasonText(reason: LockReason, audience: Role): string {
  switch (reason) {
    case 'role':
      return `Addressed to ${ROLE_LABELS[audience].toLowerCase()}s and above`
    case 'no_key':
      return 'Sealed with a role key this member does not hold (the key was rotated before you joined)'
    case 'fetching':
      return 'Readable by you, but the record has not reached this peer yet'
  }
}

export function roleList(roles: readonly Role[]): string {
  return roles.map((r) => ROLE_LABELS[r]).join(', ')
}
