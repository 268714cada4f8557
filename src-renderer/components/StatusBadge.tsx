import type { DecisionStatus } from '../../src-shared/decisions.ts'
import { STATUS_LABELS } from '../format/labels.ts'

export function StatusBadge({ status }: { status: DecisionStatus }) {
  return <span className={`badge status-${status}`}>{STATUS_LABELS[status]}</span>
}
