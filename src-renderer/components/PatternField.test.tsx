// @vitest-environment jsdom
// The UCXL pattern field: live validation with the peer's own parser, the problem named, and only valid patterns
// reaching the list.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { cleanup, fireEvent, render, screen } from '@testing-library/react'
import { checkPattern, PatternField } from './PatternField.tsx'

afterEach(cleanup)

describe('PatternField', () => {
  it('applies a valid pattern and says what it matches', () => {
    const onChange = vi.fn()
    render(<PatternField value={undefined} onChange={onChange} />)
    fireEvent.change(screen.getByLabelText('UCXL pattern'), { target: { value: '*/architect/billing/**' } })
    expect(onChange).toHaveBeenLastCalledWith('*/architect/billing/**')
    expect(screen.getByText('matching */architect/billing/**')).toBeTruthy()
    expect(screen.getByLabelText('UCXL pattern').getAttribute('aria-invalid')).toBe('false')
  })

  it('explains an invalid pattern and keeps the last valid filter', () => {
    const onChange = vi.fn()
    render(<PatternField value="**" onChange={onChange} />)
    const input = screen.getByLabelText('UCXL pattern')
    fireEvent.change(input, { target: { value: 'alice/archi*' } })
    expect(onChange).not.toHaveBeenCalled()
    expect(input.getAttribute('aria-invalid')).toBe('true')
    const message = document.getElementById(input.getAttribute('aria-describedby')!)!
    expect(message.textContent).toMatch(/mixes '\*' with text/)
  })

  it('names a mistyped role segment', () => {
    expect(checkPattern('alice/architekt/**').error).toMatch(/segment 2 \(role\) 'architekt' is not a role/)
    expect(checkPattern('a/b/c').error).toMatch(/add '\/\*\*'/)
    expect(checkPattern('')).toEqual({ pattern: undefined, error: undefined })
  })

  it('clears the filter when emptied', () => {
    const onChange = vi.fn()
    render(<PatternField value="**" onChange={onChange} />)
    fireEvent.change(screen.getByLabelText('UCXL pattern'), { target: { value: '  ' } })
    expect(onChange).toHaveBeenLastCalledWith(undefined)
  })
})
