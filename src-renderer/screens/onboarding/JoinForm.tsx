import { useState, type FormEvent } from 'react'
import { segmentProblem } from '../../../src-shared/ucxl.ts'
import { keys, useCall } from '../../api/queries.ts'
import { ErrorNotice } from '../../components/ErrorNotice.tsx'
import { Field } from '../../components/Field.tsx'
import { PassphraseFields, passphraseProblem } from './PassphraseFields.tsx'

const INVITE_PREFIX = 'bzzz-invite:'

export function inviteProblem(code: string): string | undefined {
  const t = code.trim()
  if (t === '') return 'paste the invite code your admin sent you'
  if (!t.startsWith(INVITE_PREFIX)) return `an invite code starts with '${INVITE_PREFIX}'; check that you copied all of it`
  return undefined
}

export function JoinForm() {
  const [invite, setInvite] = useState('')
  const [memberName, setMemberName] = useState('')
  const [passphrase, setPassphrase] = useState('')
  const [confirm, setConfirm] = useState('')
  const [touched, setTouched] = useState(false)
  const join = useCall('network.join', (status, qc) => qc.setQueryData(keys.status, status))
  const invProblem = invite === '' && !touched ? undefined : inviteProblem(invite)
  const nameProblem = memberName === '' && !touched ? undefined : segmentProblem(memberName)
  const submit = (e: FormEvent) => {
    e.preventDefault()
    setTouched(true)
    if (inviteProblem(invite) !== undefined || segmentProblem(memberName) !== undefined || passphraseProblem(passphrase) !== undefined || passphrase !== confirm) return
    join.mutate({ invite: invite.trim(), memberName, passphrase })
  }
  return (
    <form onSubmit={submit} noValidate aria-busy={join.isPending}>
      <p>Your admin creates an invite for your role on their Peers screen (or with <code>bzzz invite</code>).</p>
      <Field label="Invite code" error={invProblem}>
        <textarea rows={3} value={invite} onChange={(e) => setInvite(e.target.value)} spellCheck={false} className="mono" required />
      </Field>
      <Field label="Your name in the network" error={nameProblem === undefined ? undefined : `the name ${nameProblem}`} hint="Unique in the network, e.g. bob">
        <input type="text" value={memberName} onChange={(e) => setMemberName(e.target.value)} autoComplete="username" spellCheck={false} required />
      </Field>
      <PassphraseFields value={passphrase} confirm={confirm} onChange={setPassphrase} onConfirm={setConfirm} touched={touched} />
      {join.isError && <ErrorNotice error={join.error} title="Could not join" />}
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={join.isPending}>
          {join.isPending ? 'Reaching the admin…' : 'Join network'}
        </button>
      </div>
    </form>
  )
}
