// The roster, with invites and removal for whoever holds key management (the admin); others see why not.
import { useState } from 'react'
import type { CallOutput } from '../../../src-shared/contract/calls.ts'
import { may, ROLES, type Role } from '../../../src-shared/roles.ts'
import { keys, useCall, useMembers } from '../../api/queries.ts'
import { ErrorNotice } from '../../components/ErrorNotice.tsx'
import { Field } from '../../components/Field.tsx'
import { RoleBadge } from '../../components/RoleBadge.tsx'
import { ROLE_LABELS } from '../../format/labels.ts'
import { fullDate } from '../../format/time.ts'

type Invitable = Exclude<Role, 'admin'>

function InviteForm() {
  const [role, setRole] = useState<Invitable>('architect')
  const [invite, setInvite] = useState<CallOutput<'members.invite'> | undefined>()
  const [copied, setCopied] = useState(false)
  const create = useCall('members.invite', (r) => {
    setInvite(r)
    setCopied(false)
  })
  const copy = () => {
    if (invite === undefined) return
    void navigator.clipboard?.writeText(invite.code).then(() => setCopied(true), () => setCopied(false))
  }
  return (
    <div className="invite">
      <form
        className="invite-form"
        onSubmit={(e) => {
          e.preventDefault()
          create.mutate({ role })
        }}
      >
        <Field label="Invite a new member as">
          <select value={role} onChange={(e) => setRole(e.target.value as Invitable)}>
            {ROLES.filter((r): r is Invitable => r !== 'admin').map((r) => (
              <option key={r} value={r}>
                {ROLE_LABELS[r]}
              </option>
            ))}
          </select>
        </Field>
        <button type="submit" className="btn btn-primary" disabled={create.isPending}>
          {create.isPending ? 'Creating…' : 'Create invite'}
        </button>
      </form>
      {create.isError && <ErrorNotice error={create.error} title="No invite" />}
      {invite !== undefined && (
        <div className="invite-code">
          <Field label={`One-time invite for a ${ROLE_LABELS[invite.role].toLowerCase()}`} hint={`Valid until ${fullDate(invite.expiresAt)}. Send it privately; whoever holds it can join.`}>
            <textarea readOnly rows={3} className="mono" value={invite.code} data-testid="invite-code" onFocus={(e) => e.target.select()} />
          </Field>
          <button type="button" className="btn btn-small" onClick={copy}>
            {copied ? 'Copied' : 'Copy'}
          </button>
        </div>
      )}
    </div>
  )
}

export function MembersPanel({ role, selfId, online }: { role: Role; selfId: string; online: Set<string> }) {
  const members = useMembers()
  const manage = may(role, 'key_management')
  const remove = useCall('members.remove', (_r, qc) => void qc.invalidateQueries({ queryKey: keys.members }))
  return (
    <section className="card" aria-labelledby="members-h">
      <h2 id="members-h">Members {members.data !== undefined && <span className="muted">({members.data.members.length})</span>}</h2>
      {members.isError && <ErrorNotice error={members.error} onRetry={() => void members.refetch()} />}
      <table className="table" aria-label="Members">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Role</th>
            <th scope="col">Flags</th>
            <th scope="col">Online</th>
            {manage.allowed && <th scope="col"><span className="visually-hidden">Actions</span></th>}
          </tr>
        </thead>
        <tbody>
          {members.data?.members.map((m) => (
            <tr key={m.id}>
              <td>{m.name}{m.id === selfId ? ' (you)' : ''}</td>
              <td><RoleBadge role={m.role} /></td>
              <td className="muted">{[m.flags.custodian ? 'custodian' : '', m.flags.candidate ? 'candidate' : '', m.flags.elector ? 'elector' : ''].filter((f) => f !== '').join(', ')}</td>
              <td>{m.id === selfId || online.has(m.id) ? <span className="dot dot-ok" aria-label="online" /> : <span className="dot" aria-label="offline" />}</td>
              {manage.allowed && (
                <td>
                  {m.id !== selfId && m.role !== 'admin' && (
                    <button type="button" className="link-button danger" disabled={remove.isPending} onClick={() => window.confirm(`Remove ${m.name}? Their role key is rotated.`) && remove.mutate({ memberId: m.id })}>
                      Remove
                    </button>
                  )}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      {remove.isError && <ErrorNotice error={remove.error} title="Not removed" />}
      {manage.allowed ? <InviteForm /> : <p className="muted">Invites and removals: {manage.reason}.</p>}
    </section>
  )
}
