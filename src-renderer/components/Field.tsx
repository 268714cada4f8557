// A labelled form control with a hint or an error line below it. The line always takes its space, so a message
// appearing never moves the form.
import { cloneElement, useId, type ReactElement, type ReactNode } from 'react'

export type ControlProps = { id?: string; 'aria-invalid'?: boolean; 'aria-describedby'?: string }

export interface FieldProps {
  label: ReactNode
  /** The control: input, select or textarea. It gets id, aria-invalid and aria-describedby. */
  children: ReactElement<ControlProps>
  hint?: ReactNode
  error?: string | undefined
  /** An "ok" line when valid (e.g. the parsed pattern). */
  ok?: ReactNode
  className?: string
  /** For controls that can never be invalid (plain selects): no message line at all. */
  noMessage?: boolean
  /** The label is read by assistive technology but not shown (compact filter rows whose options say it). */
  hideLabel?: boolean
}

export function Field({ label, children, hint, error, ok, className, noMessage = false, hideLabel = false }: FieldProps) {
  const generated = useId()
  // A control with its own id keeps it (e.g. the search box the '/' key focuses).
  const id = children.props.id ?? generated
  const msgId = `${id}-msg`
  const control = cloneElement(children, { id, 'aria-invalid': error !== undefined, ...(noMessage ? {} : { 'aria-describedby': msgId }) })
  return (
    <div className={`field${error !== undefined ? ' field-invalid' : ''}${className === undefined ? '' : ` ${className}`}`}>
      <label htmlFor={id} className={hideLabel ? 'visually-hidden' : undefined}>
        {label}
      </label>
      {control}
      {!noMessage && <div id={msgId} className={error !== undefined ? 'field-msg field-error' : ok !== undefined ? 'field-msg field-ok' : 'field-msg'} aria-live="polite">
        {error ?? ok ?? hint ?? ' '}
      </div>}
    </div>
  )
}
