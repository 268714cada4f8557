// Election, custody and audit views as the transports report them.
import { z } from 'zod'
import { roleSchema } from './decisions.ts'

export const ELECTION_ROLES = ['follower', 'pre_candidate', 'candidate', 'leader'] as const

export const candidateSchema = z.object({
  memberId: z.string(),
  name: z.string(),
  role: roleSchema,
  score: z.number(),
  /** The parts of the score, so the UI can explain the order. */
  uptime: z.number(),
  capacity: z.number(),
  eligible: z.boolean(),
})

export const electionEventSchema = z.object({
  at: z.number().int(),
  kind: z.enum(['heartbeat_lost', 'pre_vote', 'election_started', 'vote', 'leader_elected', 'key_recovered', 'step_down']),
  term: z.number().int().nonnegative(),
  memberId: z.string().optional(),
  detail: z.string().optional(),
})

export const electionStatusSchema = z.object({
  term: z.number().int().nonnegative(),
  admin: z.string().optional(),
  /** This peer's own Raft role for the admin seat. */
  self: z.enum(ELECTION_ROLES),
  leaseExpiresAt: z.number().int().optional(),
  peers: z.array(z.object({ memberId: z.string(), state: z.enum(ELECTION_ROLES).or(z.literal('unknown')), lastSeen: z.number().int().optional() })),
  candidates: z.array(candidateSchema),
  timeline: z.array(electionEventSchema),
})
export type ElectionStatus = z.infer<typeof electionStatusSchema>

export const custodyRequestSchema = z.object({
  id: z.string(),
  term: z.number().int(),
  winner: z.string(),
  /** Members whose signed votes make up the certificate. */
  certifiedBy: z.array(z.string()),
  requestedAt: z.number().int(),
  expiresAt: z.number().int(),
  state: z.enum(['pending', 'approved', 'denied', 'expired', 'released']),
})

export const custodyStatusSchema = z.object({
  threshold: z.number().int(),
  epoch: z.number().int(),
  custodians: z.array(z.object({ memberId: z.string(), shareIndex: z.number().int(), online: z.boolean().optional() })),
  holdsShare: z.boolean(),
  policy: z.enum(['auto', 'ask']),
  pending: z.array(custodyRequestSchema),
  recovery: z
    .object({
      sessionId: z.string(),
      term: z.number().int(),
      received: z.number().int(),
      needed: z.number().int(),
      badShares: z.array(z.object({ memberId: z.string(), reason: z.string() })),
      state: z.enum(['collecting', 'recovered', 'failed', 'expired']),
    })
    .optional(),
})
export type CustodyStatus = z.infer<typeof custodyStatusSchema>

export const AUDIT_KINDS = [
  'network_created',
  'decision_published',
  'read_denied',
  'member_added',
  'member_removed',
  'key_rotated',
  'election_result',
  'share_released',
  'share_refused',
  'admin_key_recovered',
  'unlock_failed',
  'api_auth_failed',
  'config_changed',
  'peer_banned',
] as const

export const auditEntrySchema = z.object({
  seq: z.number().int().nonnegative(),
  at: z.number().int(),
  kind: z.enum(AUDIT_KINDS),
  actor: z.string().optional(),
  detail: z.record(z.string(), z.unknown()),
  /** Hex SHA-256 chaining this entry to the one before. */
  prev: z.string(),
  hash: z.string(),
})
export type AuditEntry = z.infer<typeof auditEntrySchema>

export const auditVerifySchema = z.object({
  ok: z.boolean(),
  entries: z.number().int(),
  firstBroken: z.number().int().optional(),
  reason: z.string().optional(),
})
