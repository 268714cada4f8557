// Decision records as the user sees them: what is published, what is public, what is sealed.
import { z } from 'zod'
import { DECISION_TYPES, ROLES } from './roles.ts'
import { addressSchema, patternSchema, segmentSchema } from './ucxl.ts'

export const DECISION_STATUSES = ['draft', 'proposed', 'accepted', 'rejected', 'deprecated', 'superseded'] as const
export type DecisionStatus = (typeof DECISION_STATUSES)[number]

export const LINK_KINDS = ['supersedes', 'amends', 'relates_to'] as const
export type LinkKind = (typeof LINK_KINDS)[number]

/** Documented limits. A body over these gets `too_large` (HTTP 413), never a truncation. */
export const LIMITS = {
  titleChars: 200,
  /** Markdown body and the other long text fields together, UTF-8 bytes. */
  contentBytes: 256 * 1024,
  tags: 16,
  tagChars: 32,
  links: 32,
  options: 20,
  filesModified: 500,
  /** HTTP request bodies, bytes (content plus JSON overhead). */
  requestBytes: 512 * 1024,
} as const

export const roleSchema = z.enum(ROLES)
export const decisionTypeSchema = z.enum(DECISION_TYPES)
export const statusSchema = z.enum(DECISION_STATUSES)

export const tagSchema = z
  .string()
  .min(1)
  .max(LIMITS.tagChars)
  .regex(/^[a-z0-9][a-z0-9._-]*$/, 'tags are lower-case letters, digits, "-", "_" and "."')

export const linkSchema = z.object({
  kind: z.enum(LINK_KINDS),
  address: addressSchema,
})
export type DecisionLink = z.infer<typeof linkSchema>

/** The CI/CD pipeline fields of the seeds' `code` decisions. */
export const codeFieldsSchema = z.object({
  files_modified: z.array(z.string().max(1024)).max(LIMITS.filesModified).default([]),
  test_results: z
    .object({ passed: z.number().int().nonnegative(), failed: z.number().int().nonnegative() })
    .partial()
    .optional(),
  success: z.boolean().optional(),
})
export type CodeFields = z.infer<typeof codeFieldsSchema>

/** What an author submits. The address's agent, role and node come from the author and a fresh id. */
export const publishInputSchema = z
  .object({
    type: decisionTypeSchema,
    title: z.string().trim().min(1, 'title is required').max(LIMITS.titleChars),
    body: z.string().default(''),
    context: z.string().optional(),
    consequences: z.string().optional(),
    options: z.array(z.string().max(2000)).max(LIMITS.options).optional(),
    audience: roleSchema,
    project: segmentSchema,
    task: segmentSchema,
    status: statusSchema.default('proposed'),
    tags: z.array(tagSchema).max(LIMITS.tags).default([]),
    links: z.array(linkSchema).max(LIMITS.links).default([]),
    code: codeFieldsSchema.optional(),
  })
  .strict()
export type PublishInput = z.input<typeof publishInputSchema>
export type PublishRequest = z.output<typeof publishInputSchema>

/** Visible to every member: enough to list, route and lock a decision, nothing of its content. */
export const headerSchema = z.object({
  address: z.string(),
  type: decisionTypeSchema,
  audience: roleSchema,
  author: z.string(),
  authorRole: roleSchema,
  createdAt: z.number().int(),
  /** The earlier version this one replaces; public so every member sees the version chain. */
  supersedes: z.string().optional(),
  /** Hex SHA-256 of the sealed content, and its size in bytes. */
  contentHash: z.string(),
  size: z.number().int().nonnegative(),
})
export type DecisionHeader = z.infer<typeof headerSchema>

/** Sealed: only the audience and the roles above it can read this. */
export const contentSchema = z.object({
  title: z.string(),
  body: z.string(),
  context: z.string().optional(),
  consequences: z.string().optional(),
  options: z.array(z.string()).optional(),
  status: statusSchema,
  tags: z.array(z.string()),
  links: z.array(linkSchema),
  code: codeFieldsSchema.optional(),
})
export type DecisionContent = z.infer<typeof contentSchema>

export const decisionSchema = z.object({
  header: headerSchema,
  content: contentSchema,
  signature: z.object({ valid: z.literal(true), signer: z.string(), keyId: z.string() }),
  /** Addresses of later versions that supersede this one (computed from the index). */
  supersededBy: z.array(z.string()),
})
export type Decision = z.infer<typeof decisionSchema>

export const listItemSchema = z.discriminatedUnion('locked', [
  z.object({
    locked: z.literal(false),
    header: headerSchema,
    title: z.string(),
    status: statusSchema,
    tags: z.array(z.string()),
    supersededBy: z.array(z.string()),
  }),
  z.object({
    locked: z.literal(true),
    /** 'role': addressed above this member; 'no_key': sealed with a key this member does not hold (rotated);
     *  'fetching': readable, but the record has not reached this peer yet. */
    reason: z.enum(['role', 'no_key', 'fetching']),
    header: headerSchema,
    /** The roles that can read it, so the UI can say who to ask. */
    readableBy: z.array(roleSchema),
    supersededBy: z.array(z.string()),
  }),
])
export type DecisionListItem = z.infer<typeof listItemSchema>

export const listInputSchema = z
  .object({
    pattern: patternSchema.optional(),
    type: decisionTypeSchema.optional(),
    status: statusSchema.optional(),
    tag: tagSchema.optional(),
    audience: roleSchema.optional(),
    author: segmentSchema.optional(),
    q: z.string().max(200).optional(),
    includeLocked: z.boolean().default(true),
    limit: z.number().int().min(1).max(10_000).default(100),
    cursor: z.string().max(400).optional(),
  })
  .strict()
export type ListInput = z.input<typeof listInputSchema>

/** Byte length of the long text fields, the figure LIMITS.contentBytes bounds. */
export function contentBytes(c: Pick<PublishRequest, 'title' | 'body' | 'context' | 'consequences' | 'options'>): number {
  return [c.title, c.body, c.context ?? '', c.consequences ?? '', ...(c.options ?? [])].reduce((n, s) => n + utf8Length(s), 0)
}

/** UTF-8 byte length without TextEncoder (src-shared runs where no DOM or Node globals exist). */
export function utf8Length(s: string): number {
  let n = 0
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0
    n += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4
  }
  return n
}
