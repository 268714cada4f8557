// JSON Schema of the contract's zod schemas, the one source the generated interfaces share: OpenAPI takes it as is,
// GraphQL builds its types from it, MCP lists the same zod schemas through its SDK. Shared schemas get stable names
// here (`$defs` entries), so generated types read 'DecisionHeader' rather than a path-derived name. Naming is the
// only thing this file adds: every field, type, bound and default comes from the zod schema.
import { z } from 'zod'
import { configSchema } from '../../../src-shared/config.ts'
import {
  codeFieldsSchema,
  contentSchema,
  decisionSchema,
  decisionTypeSchema,
  headerSchema,
  linkSchema,
  listItemSchema,
  roleSchema,
  statusSchema,
} from '../../../src-shared/decisions.ts'
import { errorSchema } from '../../../src-shared/errors.ts'
import {
  auditEntrySchema,
  auditVerifySchema,
  candidateSchema,
  custodyRequestSchema,
  custodyStatusSchema,
  electionEventSchema,
  electionStatusSchema,
} from '../../../src-shared/governance.ts'
import { inviteSchema, memberFlagsSchema, memberSchema, nodeStatusSchema, peerInfoSchema, vaultStateSchema } from '../../../src-shared/network.ts'

/** A JSON Schema (draft 2020-12) as z.toJSONSchema writes it; only the keywords the generators read are typed. */
export interface JsonSchema {
  type?: string | string[]
  properties?: Record<string, JsonSchema>
  required?: string[]
  additionalProperties?: boolean | JsonSchema
  items?: JsonSchema
  enum?: unknown[]
  const?: unknown
  anyOf?: JsonSchema[]
  oneOf?: JsonSchema[]
  allOf?: JsonSchema[]
  $ref?: string
  $defs?: Record<string, JsonSchema>
  default?: unknown
  description?: string
  minimum?: number
  maximum?: number
  [keyword: string]: unknown
}

/** Names of the shared schemas. A schema not listed here is inlined where it is used. */
export const schemaNames = z.registry<{ id: string }>()

const NAMED: [z.ZodType, string][] = [
  [roleSchema, 'Role'],
  [decisionTypeSchema, 'DecisionType'],
  [statusSchema, 'DecisionStatus'],
  [vaultStateSchema, 'VaultState'],
  [headerSchema, 'DecisionHeader'],
  [contentSchema, 'DecisionContent'],
  [linkSchema, 'DecisionLink'],
  [codeFieldsSchema, 'CodeFields'],
  [decisionSchema, 'Decision'],
  [listItemSchema, 'DecisionListItem'],
  [memberFlagsSchema, 'MemberFlags'],
  [memberSchema, 'Member'],
  [peerInfoSchema, 'PeerInfo'],
  [nodeStatusSchema, 'NodeStatus'],
  [inviteSchema, 'Invite'],
  [candidateSchema, 'Candidate'],
  [electionEventSchema, 'ElectionEvent'],
  [electionStatusSchema, 'ElectionStatus'],
  [custodyRequestSchema, 'CustodyRequest'],
  [custodyStatusSchema, 'CustodyStatus'],
  [auditEntrySchema, 'AuditEntry'],
  [auditVerifySchema, 'AuditVerify'],
  [configSchema, 'Config'],
  [errorSchema, 'Error'],
]
for (const [schema, id] of NAMED) schemaNames.add(schema, { id })

export type Io = 'input' | 'output'

/**
 * The JSON Schema of a zod schema, as a caller sends it (`input`: defaults make fields optional) or as the peer answers
 * (`output`). Named shared schemas are `$ref: '#/$defs/Name'` with the definitions in `$defs`.
 */
export function toJsonSchema(schema: z.ZodType, io: Io): JsonSchema {
  const json = z.toJSONSchema(schema, { io, metadata: schemaNames, unrepresentable: 'throw' }) as JsonSchema
  delete json.$schema
  return json
}

/** The `$defs` name a `$ref` points to ('#/$defs/Role' -> 'Role'). */
export function refName(ref: string): string {
  const m = /^#\/\$defs\/(.+)$/.exec(ref)
  if (m === null) throw new Error(`unsupported JSON Schema reference '${ref}'`)
  return m[1]!
}

/** The schema a `$ref` names, looked up in the document's `$defs`. */
export function resolveRef(schema: JsonSchema, defs: Record<string, JsonSchema> | undefined): { schema: JsonSchema; name?: string } {
  if (schema.$ref === undefined) return { schema }
  const name = refName(schema.$ref)
  const target = defs?.[name]
  if (target === undefined) throw new Error(`JSON Schema reference '${schema.$ref}' has no definition`)
  return { schema: target, name }
}

/** 'decisions.publish' -> 'decisionsPublish'; 'custody.shareReleased' -> 'custodyShareReleased'. */
export function camelName(dotted: string): string {
  return dotted
    .split(/[._-]/)
    .filter((p) => p.length > 0)
    .map((p, i) => (i === 0 ? p : p[0]!.toUpperCase() + p.slice(1)))
    .join('')
}

/** 'decisions.publish' -> 'DecisionsPublish'. */
export function pascalName(dotted: string): string {
  const c = camelName(dotted)
  return c.length === 0 ? c : c[0]!.toUpperCase() + c.slice(1)
}
