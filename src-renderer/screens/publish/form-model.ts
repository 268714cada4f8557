// The publish form's state and its validation, with the contract's own rules (segments, tags, addresses, limits).
import { contentBytes, LIMITS, tagSchema, type DecisionStatus, type LinkKind, type PublishInput } from '../../../src-shared/decisions.ts'
import type { DecisionType, Role } from '../../../src-shared/roles.ts'
import { parseAddress, segmentProblem } from '../../../src-shared/ucxl.ts'

export interface LinkDraft {
  kind: LinkKind
  address: string
}

export interface Draft {
  type: DecisionType
  title: string
  status: DecisionStatus
  project: string
  task: string
  audience: Role
  context: string
  body: string
  consequences: string
  options: string
  tags: string
  links: LinkDraft[]
}

export const EMPTY_DRAFT: Draft = {
  type: 'decision',
  title: '',
  status: 'proposed',
  project: '',
  task: '',
  audience: 'observer',
  context: '',
  body: '',
  consequences: '',
  options: '',
  tags: '',
  links: [],
}

export type Problems = Partial<Record<'title' | 'project' | 'task' | 'tags' | 'size' | 'options', string>> & { links?: (string | undefined)[] }

export function splitTags(text: string): string[] {
  return text
    .split(/[,\s]+/)
    .map((t) => t.trim().toLowerCase())
    .filter((t) => t !== '')
}

export function splitOptions(text: string): string[] {
  return text
    .split('\n')
    .map((o) => o.trim())
    .filter((o) => o !== '')
}

export function linkProblem(address: string): string | undefined {
  if (address.trim() === '') return 'enter the address of the linked decision'
  const r = parseAddress(address.trim())
  return r.ok ? undefined : r.message.replace(/^invalid UCXL address '.*?': /, '')
}

export function validate(d: Draft): Problems {
  const p: Problems = {}
  if (d.title.trim() === '') p.title = 'a title is required'
  else if (d.title.trim().length > LIMITS.titleChars) p.title = `at most ${LIMITS.titleChars} characters (now ${d.title.trim().length})`
  const proj = segmentProblem(d.project)
  if (proj !== undefined) p.project = d.project === '' ? 'the project is required' : `the project ${proj}`
  const task = segmentProblem(d.task)
  if (task !== undefined) p.task = d.task === '' ? 'the task is required' : `the task ${task}`
  const tags = splitTags(d.tags)
  const badTag = tags.find((t) => !tagSchema.safeParse(t).success)
  if (badTag !== undefined) p.tags = `'${badTag}': tags are lower-case letters, digits, '-', '_' and '.' (at most ${LIMITS.tagChars} characters)`
  else if (tags.length > LIMITS.tags) p.tags = `at most ${LIMITS.tags} tags`
  const options = splitOptions(d.options)
  if (options.length > LIMITS.options) p.options = `at most ${LIMITS.options} options`
  else if (options.some((o) => o.length > 2000)) p.options = 'an option is longer than 2000 characters'
  const bytes = draftBytes(d)
  if (bytes > LIMITS.contentBytes) p.size = `the text is ${Math.ceil(bytes / 1024)} KiB; the limit is ${LIMITS.contentBytes / 1024} KiB`
  const links = d.links.map((l) => linkProblem(l.address))
  if (links.some((l) => l !== undefined)) p.links = links
  return p
}

export function hasProblems(p: Problems): boolean {
  return Object.entries(p).some(([k, v]) => (k === 'links' ? (v as (string | undefined)[]).some((x) => x !== undefined) : v !== undefined))
}

export function draftBytes(d: Draft): number {
  return contentBytes({ title: d.title, body: d.body, context: d.context, consequences: d.consequences, options: splitOptions(d.options) })
}

export function toInput(d: Draft): PublishInput {
  const options = splitOptions(d.options)
  return {
    type: d.type,
    title: d.title.trim(),
    body: d.body,
    ...(d.context.trim() === '' ? {} : { context: d.context }),
    ...(d.consequences.trim() === '' ? {} : { consequences: d.consequences }),
    ...(options.length === 0 ? {} : { options }),
    audience: d.audience,
    project: d.project,
    task: d.task,
    status: d.status,
    tags: [...new Set(splitTags(d.tags))],
    links: d.links.map((l) => ({ kind: l.kind, address: l.address.trim() })),
  }
}

/** The whole record as Markdown, for the preview. */
export function previewMarkdown(d: Draft): string {
  const parts = [`# ${d.title.trim() === '' ? 'Untitled' : d.title.trim()}`]
  if (d.context.trim() !== '') parts.push(`## Context\n\n${d.context}`)
  parts.push(`## Decision\n\n${d.body.trim() === '' ? '_No text yet._' : d.body}`)
  if (d.consequences.trim() !== '') parts.push(`## Consequences\n\n${d.consequences}`)
  const options = splitOptions(d.options)
  if (options.length > 0) parts.push(`## Considered options\n\n${options.map((o) => `- ${o}`).join('\n')}`)
  return parts.join('\n\n')
}
