// One setting: its current value, an editor validated with the contract's schema, saved with config.set. A setting
// this role may not change is disabled with the matrix's reason.
import { useState, type ReactElement } from 'react'
import type { CallOutput } from '../../../src-shared/contract/calls.ts'
import { configKeyClass } from '../../../src-shared/config.ts'
import { may, type Role } from '../../../src-shared/roles.ts'
import { keys, useCall } from '../../api/queries.ts'
import { ErrorNotice } from '../../components/ErrorNotice.tsx'
import { Field, type ControlProps } from '../../components/Field.tsx'

export interface ConfigFieldProps<T> {
  role: Role
  configKey: string
  label: string
  hint?: string
  value: T
  /** Text in the editor for a value, and back; `parse` returns an error message or the value. */
  format: (v: T) => string
  parse: (text: string) => { ok: true; value: unknown } | { ok: false; error: string }
  render: (props: { value: string; onChange: (v: string) => void; disabled: boolean }) => ReactElement<ControlProps>
}

export function ConfigField<T>({ role, configKey, label, hint, value, format, parse, render }: ConfigFieldProps<T>) {
  const [text, setText] = useState(format(value))
  const [answer, setAnswer] = useState<CallOutput<'config.set'> | undefined>()
  const save = useCall('config.set', (r, qc) => {
    setAnswer(r)
    qc.setQueryData(keys.config, r.config)
  })
  const permission = may(role, 'system_configuration', { settingClass: configKeyClass(configKey) })
  const parsed = parse(text)
  const changed = text !== format(value)
  return (
    <form
      className="config-field"
      onSubmit={(e) => {
        e.preventDefault()
        if (parsed.ok && permission.allowed) save.mutate({ key: configKey, value: parsed.value })
      }}
    >
      <Field label={label} error={parsed.ok ? undefined : parsed.error} hint={permission.allowed ? hint : `Read-only for you: ${permission.reason}`}>
        {render({ value: text, onChange: (v) => setText(v), disabled: !permission.allowed })}
      </Field>
      <div className="config-actions">
        <button type="submit" className="btn btn-small" disabled={!permission.allowed || !changed || !parsed.ok || save.isPending}>
          {save.isPending ? 'Saving…' : 'Save'}
        </button>
        {answer !== undefined && !changed && (
          <span className="muted small" role="status">
            Saved{answer.restartRequired.length > 0 ? ' — applies after the peer restarts' : ', applied'}
            {answer.overridden ? '; an environment variable or flag overrides it while this peer runs' : ''}
          </span>
        )}
      </div>
      {save.isError && <ErrorNotice error={save.error} title="Not saved" />}
    </form>
  )
}
