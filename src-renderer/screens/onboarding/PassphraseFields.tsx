// A new passphrase, typed twice, checked against the contract's rule as you type.
import { passphraseSchema } from '../../../src-shared/network.ts'
import { Field } from '../../components/Field.tsx'

export function passphraseProblem(value: string): string | undefined {
  const r = passphraseSchema.safeParse(value)
  return r.success ? undefined : (r.error.issues[0]?.message ?? 'invalid passphrase')
}

export function PassphraseFields({ value, confirm, onChange, onConfirm, touched }: { value: string; confirm: string; onChange: (v: string) => void; onConfirm: (v: string) => void; touched: boolean }) {
  const problem = value === '' && !touched ? undefined : passphraseProblem(value)
  const mismatch = confirm !== '' || touched ? (confirm !== value ? 'the two passphrases differ' : undefined) : undefined
  return (
    <>
      <Field label="Vault passphrase" error={problem} hint="At least 8 characters. It encrypts your keys on this machine; nobody can recover it.">
        <input type="password" autoComplete="new-password" value={value} onChange={(e) => onChange(e.target.value)} required />
      </Field>
      <Field label="Passphrase again" error={mismatch}>
        <input type="password" autoComplete="new-password" value={confirm} onChange={(e) => onConfirm(e.target.value)} required />
      </Field>
    </>
  )
}
