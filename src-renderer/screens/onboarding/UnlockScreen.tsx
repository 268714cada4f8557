// The vault is locked: one passphrase field, a clear message for a wrong one, focus back in the field.
import { useEffect, useRef, useState, type FormEvent } from 'react'
import type { NodeStatus } from '../../../src-shared/network.ts'
import { CallError } from '../../api/client.tsx'
import { keys, useCall } from '../../api/queries.ts'
import { ErrorNotice } from '../../components/ErrorNotice.tsx'
import { Field } from '../../components/Field.tsx'
import { Icon } from '../../components/Icon.tsx'

export function UnlockScreen({ status }: { status: NodeStatus }) {
  const [passphrase, setPassphrase] = useState('')
  const input = useRef<HTMLInputElement>(null)
  const unlock = useCall('vault.unlock', (s, qc) => qc.setQueryData(keys.status, s))
  const wrong = unlock.error instanceof CallError && unlock.error.code === 'unauthenticated'
  useEffect(() => {
    if (unlock.isError) input.current?.select()
  }, [unlock.isError, unlock.error])
  const submit = (e: FormEvent) => {
    e.preventDefault()
    if (passphrase !== '') unlock.mutate({ passphrase })
  }
  return (
    <main className="center-screen">
      <form className="card narrow" onSubmit={submit} aria-busy={unlock.isPending}>
        <h1 className="brand-title">
          <Icon name="lock" /> Unlock your vault
        </h1>
        <p className="muted">
          Your keys stay encrypted until you unlock them. {status.state === 'running' ? `The peer keeps serving the network meanwhile (${status.connectedPeers} peers).` : ''}
        </p>
        <Field label="Passphrase" error={wrong ? 'wrong passphrase; try again (it is case-sensitive)' : undefined}>
          <input ref={input} type="password" autoComplete="current-password" autoFocus value={passphrase} onChange={(e) => setPassphrase(e.target.value)} required />
        </Field>
        {unlock.isError && !wrong && <ErrorNotice error={unlock.error} title="The vault stays locked" />}
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={unlock.isPending || passphrase === ''}>
            {unlock.isPending ? 'Unlocking…' : 'Unlock'}
          </button>
        </div>
      </form>
    </main>
  )
}
