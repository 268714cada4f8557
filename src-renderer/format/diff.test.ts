import { describe, expect, it } from 'vitest'
import { lineDiff } from './diff.ts'

describe('lineDiff', () => {
  it('keeps common lines and marks the rest', () => {
    expect(lineDiff('a\nb\nc', 'a\nx\nc\nd')).toEqual([
      { kind: 'same', text: 'a' },
      { kind: 'removed', text: 'b' },
      { kind: 'added', text: 'x' },
      { kind: 'same', text: 'c' },
      { kind: 'added', text: 'd' },
    ])
    expect(lineDiff('same', 'same')).toEqual([{ kind: 'same', text: 'same' }])
  })
})
