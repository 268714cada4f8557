// The UCXL pattern filter: validated as you type (the same parser the peer uses), the offending segment named, and
// the filter applied only while the pattern is valid, so a half-typed pattern never empties the list.
import { useEffect, useState } from 'react'
import { parsePattern } from '../../src-shared/ucxl.ts'
import { Field } from './Field.tsx'

export interface PatternCheck {
  /** Undefined while the field is empty (no filter). */
  pattern: string | undefined
  error: string | undefined
}

export function checkPattern(text: string): PatternCheck {
  const t = text.trim()
  if (t === '') return { pattern: undefined, error: undefined }
  const r = parsePattern(t)
  if (r.ok) return { pattern: r.value.source, error: undefined }
  // The parser's message starts with "invalid UCXL pattern '...': "; the field already shows the text.
  return { pattern: undefined, error: r.message.replace(/^invalid UCXL pattern '.*?': /, '') }
}

export function PatternField({ value, onChange }: { value: string | undefined; onChange: (pattern: string | undefined) => void }) {
  const [text, setText] = useState(value ?? '')
  const check = checkPattern(text)
  useEffect(() => {
    // Only a valid pattern (or none) reaches the list.
    if (check.error === undefined && check.pattern !== value) onChange(check.pattern)
  }, [check.error, check.pattern, value, onChange])
  return (
    <Field
      label="UCXL pattern"
      error={check.error}
      hint={<>agent/role/project/task/node — <code>*</code> one segment, <code>**</code> any</>}
      ok={check.pattern === undefined ? undefined : `matching ${check.pattern}`}
      className="field-pattern"
    >
      <input
        type="text"
        value={text}
        placeholder="**/project/**"
        spellCheck={false}
        autoComplete="off"
        onChange={(e) => setText(e.target.value)}
      />
    </Field>
  )
}
