// The seeds' CI/CD integration posts `POST /api/decisions/code` with its own body shape:
//   { "task": "ci_build_123", "decision": "Automated build completed", "files_modified": ["a.go"],
//     "test_results": { "passed": 10, "failed": 0 }, "success": true }
// (no title, project or audience). This turns that shape into an ordinary publish input, so the pipeline keeps working
// unchanged while the core sees one kind of input. Pure: no I/O, no peer.
import { z } from 'zod'
import { codeFieldsSchema, LIMITS, roleSchema, statusSchema, tagSchema, type PublishInput } from '../../../src-shared/decisions.ts'
import { BzzzError } from '../../../src-shared/errors.ts'
import { segmentProblem } from '../../../src-shared/ucxl.ts'
import { describeIssues } from '../dispatch.ts'

export const CI_DEFAULT_PROJECT = 'ci'
export const CI_DEFAULT_AUDIENCE = 'backend_dev'
/** Files listed in the Markdown summary; the full list is in `code.files_modified`. */
const SUMMARY_FILES = 50

/** The seeds' CI body. Known publish fields may ride along (project, audience, status, tags); anything else is refused. */
export const ciBodySchema = z
  .object({
    task: z.string({ error: 'task is required (the CI job id, e.g. "ci_build_123")' }),
    decision: z.string().trim().min(1, 'decision is empty'),
    files_modified: codeFieldsSchema.shape.files_modified,
    test_results: codeFieldsSchema.shape.test_results,
    success: codeFieldsSchema.shape.success,
    project: z.string().optional(),
    audience: roleSchema.optional(),
    status: statusSchema.optional(),
    tags: z.array(tagSchema).max(LIMITS.tags).optional(),
  })
  .strict()
export type CiBody = z.input<typeof ciBodySchema>

/** True for a body in the CI shape on the `code` route: a string `decision` and no `title`. */
export function isCiBody(type: unknown, body: unknown): body is Record<string, unknown> {
  if (type !== 'code' || typeof body !== 'object' || body === null || Array.isArray(body)) return false
  const b = body as Record<string, unknown>
  return typeof b.decision === 'string' && !Object.hasOwn(b, 'title')
}

/**
 * Makes a CI job id a UCXL segment: runs of characters other than letters, digits, '.', '_' and '-' become '-', and
 * the '-' this leaves at either end is dropped. Whatever still fails the segment check is refused, not guessed at.
 */
export function sanitizeTask(task: string): string {
  return task
    .trim()
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^-+|-+$/g, '')
}

function truncateTitle(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim()
  if (oneLine.length <= LIMITS.titleChars) return oneLine
  return `${oneLine.slice(0, LIMITS.titleChars - 1).trimEnd()}…`
}

function code(text: string): string {
  return `\`${text.replace(/`/g, "'").replace(/[\r\n]+/g, ' ')}\``
}

function summary(ci: z.output<typeof ciBodySchema>, task: string, titleTruncated: boolean): string {
  const lines: string[] = []
  if (titleTruncated) lines.push(ci.decision, '')
  lines.push(`Reported by CI for task ${code(task)}.`, '')
  if (ci.success !== undefined) lines.push(`- Result: ${ci.success ? 'success' : 'failure'}`)
  const t = ci.test_results
  if (t !== undefined && (t.passed !== undefined || t.failed !== undefined)) {
    lines.push(`- Tests: ${t.passed ?? '?'} passed, ${t.failed ?? '?'} failed`)
  }
  const files = ci.files_modified
  if (files.length === 0) {
    lines.push('- Files modified: none reported')
  } else {
    lines.push(`- Files modified (${files.length}):`)
    for (const f of files.slice(0, SUMMARY_FILES)) lines.push(`  - ${code(f)}`)
    if (files.length > SUMMARY_FILES) lines.push(`  - … and ${files.length - SUMMARY_FILES} more`)
  }
  return lines.join('\n')
}

/** The publish input for a CI body; `invalid_input` naming the field when the body cannot be converted. */
export function ciBodyToPublishInput(body: unknown): PublishInput {
  const parsed = ciBodySchema.safeParse(body)
  if (!parsed.success) throw new BzzzError('invalid_input', `decisions.publish (CI body): ${describeIssues(parsed.error)}`)
  const ci = parsed.data
  const task = sanitizeTask(ci.task)
  const why = segmentProblem(task)
  if (why !== undefined) {
    throw new BzzzError('invalid_input', `decisions.publish (CI body): task: '${ci.task.slice(0, 40)}' ${why} (after replacing unsupported characters: '${task.slice(0, 40)}')`)
  }
  const title = truncateTitle(ci.decision)
  const input: PublishInput = {
    type: 'code',
    title,
    body: summary(ci, task, title !== ci.decision.trim()),
    project: ci.project ?? CI_DEFAULT_PROJECT,
    task,
    audience: ci.audience ?? CI_DEFAULT_AUDIENCE,
    code: {
      files_modified: ci.files_modified,
      ...(ci.test_results === undefined ? {} : { test_results: ci.test_results }),
      ...(ci.success === undefined ? {} : { success: ci.success }),
    },
  }
  if (ci.status !== undefined) input.status = ci.status
  if (ci.tags !== undefined) input.tags = ci.tags
  return input
}
