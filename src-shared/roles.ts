// Roles, their hierarchy, and the seeds' permission matrix as data.
//
// Hierarchy (the seeds' "encryption hierarchy"): admin > architect > backend_dev > observer.
// Content for role R is encrypted to R and to every role above R, so a member holding only its own
// role key can read everything addressed to its role or below.

export const ROLES = ['observer', 'backend_dev', 'architect', 'admin'] as const
export type Role = (typeof ROLES)[number]

/** Roles a decision can be addressed to (admin-only content is allowed too). */
export const AUDIENCES = ROLES

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value)
}

export function roleRank(role: Role): number {
  return ROLES.indexOf(role)
}

/** True when `a` is `b` or above it. */
export function atLeast(a: Role, b: Role): boolean {
  return roleRank(a) >= roleRank(b)
}

/** The roles whose keys a decision for `audience` is encrypted to: the audience and every role above it. */
export function recipientRoles(audience: Role): Role[] {
  return ROLES.filter((r) => atLeast(r, audience))
}

/** The audiences a member of `role` can decrypt: its own and every one below it. */
export function readableAudiences(role: Role): Role[] {
  return ROLES.filter((r) => atLeast(role, r))
}

export const OPERATIONS = [
  'read_own',
  'read_other',
  'publish_suggestion',
  'publish_decision',
  'publish_architectural',
  'trigger_election',
  'key_management',
  'system_configuration',
  'debug_access',
  'raw_dht',
] as const
export type Operation = (typeof OPERATIONS)[number]

/** 'yes' = allowed, 'no' = denied, 'partial' = allowed under the condition written in PARTIAL_RULES. */
export type Cell = 'yes' | 'no' | 'partial'

// The seeds' "Operations vs Roles Matrix", cell for cell (columns: observer, backend_dev, architect, admin).
export const PERMISSION_MATRIX: Record<Operation, Record<Role, Cell>> = {
  read_own: { observer: 'yes', backend_dev: 'yes', architect: 'yes', admin: 'yes' },
  read_other: { observer: 'no', backend_dev: 'partial', architect: 'yes', admin: 'yes' },
  publish_suggestion: { observer: 'yes', backend_dev: 'yes', architect: 'yes', admin: 'yes' },
  publish_decision: { observer: 'no', backend_dev: 'yes', architect: 'yes', admin: 'yes' },
  publish_architectural: { observer: 'no', backend_dev: 'no', architect: 'yes', admin: 'yes' },
  trigger_election: { observer: 'no', backend_dev: 'no', architect: 'no', admin: 'yes' },
  key_management: { observer: 'no', backend_dev: 'no', architect: 'no', admin: 'yes' },
  system_configuration: { observer: 'no', backend_dev: 'no', architect: 'partial', admin: 'yes' },
  debug_access: { observer: 'no', backend_dev: 'partial', architect: 'yes', admin: 'yes' },
  raw_dht: { observer: 'no', backend_dev: 'no', architect: 'no', admin: 'yes' },
}

/** What "partial" means, cell by cell. These sentences are shown to users when a partial cell denies. */
export const PARTIAL_RULES = {
  read_other: {
    backend_dev:
      'a backend developer may read decisions addressed to other roles only when they are addressed to observer, the ' +
      'role below it; architect and admin decisions stay sealed (the key hierarchy enforces this too)',
  },
  system_configuration: {
    architect:
      'an architect may change team-facing settings (display, decision defaults, cache and replication tuning) but not ' +
      'security settings (network, bootstrap, API binding and token, rate limits, custody and rotation policy)',
  },
  debug_access: {
    backend_dev:
      "a backend developer may use this peer's own diagnostics (connections, gossip mesh) but not the DHT routing " +
      'table, record lookups or the audit log (a security record: architects and the admin read it)',
  },
} as const

/** Context the conditional cells need. */
export interface PermissionContext {
  /** For read_own/read_other: the decision's audience (the lowest role it is addressed to). */
  audience?: Role
  /** For system_configuration: the setting's class. */
  settingClass?: 'team' | 'security'
  /** For debug_access: which tool. */
  debugTool?: DebugTool
}

export const DEBUG_TOOLS = ['connections', 'gossip_mesh', 'routing_table', 'dht_record', 'audit_log'] as const
export type DebugTool = (typeof DEBUG_TOOLS)[number]

export type PermissionAnswer = { allowed: true } | { allowed: false; reason: string }

const ALLOWED: PermissionAnswer = { allowed: true }

function deny(reason: string): PermissionAnswer {
  return { allowed: false, reason }
}

const LABEL: Record<Operation, string> = {
  read_own: 'reading decisions of your own role',
  read_other: "reading other roles' decisions",
  publish_suggestion: 'publishing suggestions',
  publish_decision: 'publishing decisions',
  publish_architectural: 'publishing architectural decisions',
  trigger_election: 'triggering an election',
  key_management: 'key management',
  system_configuration: 'changing system configuration',
  debug_access: 'debug tools',
  raw_dht: 'raw DHT access',
}

function allowedRoles(op: Operation): string {
  const full = ROLES.filter((r) => PERMISSION_MATRIX[op][r] === 'yes')
  const partly = ROLES.filter((r) => PERMISSION_MATRIX[op][r] === 'partial')
  return partly.length === 0 ? full.join(', ') : `${full.join(', ')}; in part: ${partly.join(', ')}`
}

/** May a member of `role` do `op`? Conditional cells use `ctx`; without the context they answer for the safe case. */
export function may(role: Role, op: Operation, ctx: PermissionContext = {}): PermissionAnswer {
  const cell = PERMISSION_MATRIX[op][role]
  // Reading is bounded by the hierarchy before the matrix: nobody reads above their own role.
  if ((op === 'read_own' || op === 'read_other') && ctx.audience !== undefined && !atLeast(role, ctx.audience)) {
    return deny(`this decision is addressed to ${ctx.audience}; a ${role} can read only ${readableAudiences(role).join(', ')}`)
  }
  if (cell === 'yes') return ALLOWED
  if (cell === 'no') return deny(`${LABEL[op]} is not allowed for ${role} (allowed: ${allowedRoles(op)})`)
  switch (op) {
    case 'read_other':
      // backend_dev: other audiences only when they are below its own role.
      if (ctx.audience !== undefined && roleRank(ctx.audience) < roleRank(role)) return ALLOWED
      return deny(PARTIAL_RULES.read_other.backend_dev)
    case 'system_configuration':
      if (ctx.settingClass === 'team') return ALLOWED
      return deny(PARTIAL_RULES.system_configuration.architect)
    case 'debug_access':
      if (ctx.debugTool === 'connections' || ctx.debugTool === 'gossip_mesh') return ALLOWED
      return deny(PARTIAL_RULES.debug_access.backend_dev)
    default:
      return deny(`${LABEL[op]} is not allowed for ${role}`)
  }
}

/**
 * Reading one decision. "Own role" in the seeds' matrix means a decision addressed to the reader's role; "other roles"
 * means one addressed to any other role. Read together with the encryption hierarchy this is consistent: an observer
 * reads observer content only, a backend developer its own and observer content, an architect everything but admin
 * content, the admin everything.
 */
export function mayRead(reader: Role, audience: Role): PermissionAnswer {
  return may(reader, audience === reader ? 'read_own' : 'read_other', { audience })
}

export const DECISION_TYPES = ['suggestion', 'decision', 'architectural', 'code'] as const
export type DecisionType = (typeof DECISION_TYPES)[number]

/** The operation each decision type needs. CI 'code' decisions are ordinary decisions (the seeds' pipeline runs as backend_dev). */
export const PUBLISH_OPERATION: Record<DecisionType, Operation> = {
  suggestion: 'publish_suggestion',
  decision: 'publish_decision',
  architectural: 'publish_architectural',
  code: 'publish_decision',
}

/** May `role` publish a decision of `type` addressed to `audience`? An author can only address roles it can read itself. */
export function mayPublish(role: Role, type: DecisionType, audience: Role): PermissionAnswer {
  const base = may(role, PUBLISH_OPERATION[type])
  if (!base.allowed) return base
  if (!atLeast(role, audience)) {
    return deny(`a ${role} cannot address a decision to ${audience}: you could not read it back (choose ${readableAudiences(role).join(', ')})`)
  }
  return ALLOWED
}
