import { useState, type FormEvent } from 'react'
import { segmentProblem } from '../../../src-shared/ucxl.ts'
import { keys, useCall } from '../../api/queries.ts'
import { ErrorNotice } from '../../components/ErrorNotice.tsx'
import { Field } from '../../components/Field.tsx'
import { PassphraseFields, passphraseProblem } from './PassphraseFields.tsx'

export function CreateForm() {
  const [networkName, setNetworkName] = useState('')
  const [memberName, setMemberName] = useState('')
  const [passphrase, setPassphrase] = useState('')
  const [confirm, setConfirm] = useState('')
  const [touched, setTouched] = useState(false)
  const create = useCall('network.create', (status, qc) => qc.setQueryData(keys.status, status))
  const netProblem = networkName === '' && !touched ? undefined : segmentProblem(networkName)
  const nameProblem = memberName === '' && !touched ? undefined : segmentProblem(memberName)
  const submit = (e: FormEvent) => {
    e.preventDefault()
    setTouched(true)
    if (segmentProblem(networkName) !== undefined || segmentProblem(memberName) !== undefined || passphraseProblem(passphrase) !== undefined || passphrase !== confirm) return
    create.mutate({ networkName, memberName, passphrase })
  }
  return (
    <form onSubmit={submit} noValidate aria-busy={create.isPending}>
      <p>You become the network's first admin. Invite your team from the Peers screen afterwards.</p>
      <Field label="Network name" error={netProblem === undefined ? undefined : `the name ${netProblem}`} hint="Letters, digits, '-', '_' and '.', e.g. acme-platform">
        <input type="text" value={networkName} onChange={(e) => setNetworkName(e.target.value)} autoComplete="off" spellCheck={false} required />
      </Field>
      <Field label="Your name in the network" error={nameProblem === undefined ? undefined : `the name ${nameProblem}`} hint="It is the agent part of the addresses you publish, e.g. alice">
        <input type="text" value={memberName} onChange={(e) => setMemberName(e.target.value)} autoComplete="username" spellCheck={false} required />
      </Field>
      <PassphraseFields value={passphrase} confirm={confirm} onChange={setPassphrase} onConfirm={setConfirm} touched={touched} />
      {create.isError && <ErrorNotice error={create.error} title="The network was not created" />}
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={create.isPending}>
          {create.isPending ? 'Creating keys…' : 'Create network'}
        </button>
      </div>
    </form>
  )
}
