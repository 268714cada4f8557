import { describe, expect, it } from 'vitest'
import { LIMITS, publishInputSchema } from '../../../src-shared/decisions.ts'
import { ciBodyToPublishInput, isCiBody, sanitizeTask } from './ci-compat.ts'

const seeds = { task: 'ci_build_123', decision: 'Automated build completed', files_modified: ['a.go'], test_results: { passed: 10, failed: 0 }, success: true }

describe('CI/CD body conversion', () => {
  it('recognises the CI shape only on the code route, with a string decision and no title', () => {
    expect(isCiBody('code', seeds)).toBe(true)
    expect(isCiBody('decision', seeds)).toBe(false)
    expect(isCiBody('code', { ...seeds, title: 'x' })).toBe(false)
    expect(isCiBody('code', { ...seeds, decision: 5 })).toBe(false)
    expect(isCiBody('code', null)).toBe(false)
    expect(isCiBody('code', [seeds])).toBe(false)
  })

  it("converts the seeds' body into a valid publish input", () => {
    const input = ciBodyToPublishInput(seeds)
    expect(input).toMatchObject({
      type: 'code',
      title: 'Automated build completed',
      project: 'ci',
      task: 'ci_build_123',
      audience: 'backend_dev',
      code: { files_modified: ['a.go'], test_results: { passed: 10, failed: 0 }, success: true },
    })
    expect(input.body).toContain('ci_build_123')
    expect(input.body).toContain('- Result: success')
    expect(input.body).toContain('- Tests: 10 passed, 0 failed')
    expect(input.body).toContain('`a.go`')
    expect(publishInputSchema.safeParse(input).success).toBe(true)
  })

  it('keeps project, audience, status and tags when the pipeline sends them', () => {
    const input = ciBodyToPublishInput({ ...seeds, project: 'payments', audience: 'architect', status: 'accepted', tags: ['ci'] })
    expect(input).toMatchObject({ project: 'payments', audience: 'architect', status: 'accepted', tags: ['ci'] })
  })

  it('reports a failed build and missing optional fields', () => {
    const input = ciBodyToPublishInput({ task: 'build-9', decision: 'Build broke', success: false })
    expect(input.body).toContain('- Result: failure')
    expect(input.body).toContain('- Files modified: none reported')
    expect(input.code).toEqual({ files_modified: [], success: false })
    expect(publishInputSchema.safeParse(input).success).toBe(true)
  })

  it('truncates a long decision to the title limit and keeps the full text in the body', () => {
    const long = 'word '.repeat(100).trim()
    const input = ciBodyToPublishInput({ ...seeds, decision: long })
    expect(input.title.length).toBe(LIMITS.titleChars)
    expect(input.title.endsWith('…')).toBe(true)
    expect(input.body?.startsWith(long)).toBe(true)
    expect(publishInputSchema.safeParse(input).success).toBe(true)
  })

  it('lists at most 50 files in the summary', () => {
    const files = Array.from({ length: 60 }, (_, i) => `f${i}.go`)
    const input = ciBodyToPublishInput({ ...seeds, files_modified: files })
    expect(input.body).toContain('`f49.go`')
    expect(input.body).not.toContain('`f50.go`')
    expect(input.body).toContain('and 10 more')
    expect(input.code?.files_modified).toHaveLength(60)
  })

  it('sanitizes the task into a UCXL segment, and refuses what cannot be one, naming the field', () => {
    expect(sanitizeTask(' ci build #123 ')).toBe('ci-build-123')
    expect(sanitizeTask('release/v1.2')).toBe('release-v1.2')
    expect(ciBodyToPublishInput({ ...seeds, task: 'GitHub Actions #77' }).task).toBe('GitHub-Actions-77')
    expect(() => ciBodyToPublishInput({ ...seeds, task: '###' })).toThrow(/task: '###' is empty/)
    expect(() => ciBodyToPublishInput({ ...seeds, task: '.hidden' })).toThrow(/task: '\.hidden' must start with a letter or digit/)
    expect(() => ciBodyToPublishInput({ ...seeds, task: 'a'.repeat(65) })).toThrow(/task: .* is 65 characters long/)
    expect(() => ciBodyToPublishInput({ ...seeds, task: 'a..b' })).toThrow(/task: .*contains '\.\.'/)
  })

  it('refuses bodies with missing or mistyped fields, naming them', () => {
    const { task: _task, ...noTask } = seeds
    for (const [body, field] of [
      [noTask, 'task'],
      [{ ...seeds, decision: '   ' }, 'decision'],
      [{ ...seeds, files_modified: 'a.go' }, 'files_modified'],
      [{ ...seeds, test_results: { passed: -1 } }, 'test_results.passed'],
      [{ ...seeds, success: 'yes' }, 'success'],
      [{ ...seeds, audience: 'boss' }, 'audience'],
      [{ ...seeds, pipeline: 'x' }, 'pipeline'],
    ] as const) {
      let message = ''
      try {
        ciBodyToPublishInput(body)
      } catch (err) {
        expect(err).toMatchObject({ code: 'invalid_input' })
        message = (err as Error).message
      }
      expect(message, field).toMatch(/^decisions\.publish \(CI body\): /)
      expect(message, field).toContain(field)
    }
  })
})
