// Type and audience, limited by the permission matrix: what this role may not publish is disabled, with the reason.
import { AUDIENCES, DECISION_TYPES, mayPublish, type DecisionType, type Role } from '../../../src-shared/roles.ts'
import { useMembers } from '../../api/queries.ts'
import { AudiencePreview } from '../../components/AudiencePreview.tsx'
import { Field } from '../../components/Field.tsx'
import { ROLE_LABELS, TYPE_LABELS } from '../../format/labels.ts'

export function TypeAudience({ role, type, audience, onType, onAudience }: { role: Role; type: DecisionType; audience: Role; onType: (t: DecisionType) => void; onAudience: (r: Role) => void }) {
  const members = useMembers()
  const typeAnswer = mayPublish(role, type, role)
  const audienceAnswer = mayPublish(role, type, audience)
  return (
    <div className="type-audience">
      <Field label="Type" error={typeAnswer.allowed ? undefined : typeAnswer.reason}>
        <select value={type} onChange={(e) => onType(e.target.value as DecisionType)}>
          {DECISION_TYPES.map((t) => {
            const a = mayPublish(role, t, role)
            return (
              <option key={t} value={t} disabled={!a.allowed} title={a.allowed ? undefined : a.reason}>
                {TYPE_LABELS[t]}
                {a.allowed ? '' : ' — not for your role'}
              </option>
            )
          })}
        </select>
      </Field>
      <Field label="Audience (the lowest role that may read it)" error={typeAnswer.allowed && !audienceAnswer.allowed ? audienceAnswer.reason : undefined}>
        <select value={audience} onChange={(e) => onAudience(e.target.value as Role)}>
          {AUDIENCES.map((r) => {
            const a = mayPublish(role, type, r)
            return (
              <option key={r} value={r} disabled={typeAnswer.allowed && !a.allowed} title={a.allowed ? undefined : a.reason}>
                {ROLE_LABELS[r]}
              </option>
            )
          })}
        </select>
      </Field>
      <AudiencePreview audience={audience} {...(members.data === undefined ? {} : { members: members.data.members })} />
    </div>
  )
}
