// Members, peers and the local node's status as every transport reports them.
import { z } from 'zod'
import { roleSchema } from './decisions.ts'
import { segmentSchema } from './ucxl.ts'

export const memberFlagsSchema = z.object({
  elector: z.boolean(),
  candidate: z.boolean(),
  custodian: z.boolean(),
})

export const memberSchema = z.object({
  id: z.string(),
  name: z.string(),
  role: roleSchema,
  peerIds: z.array(z.string()),
  /** Base64 Ed25519 public key (SPKI-free raw 32 bytes). */
  signingKey: z.string(),
  /** age recipient (age1...) of the member's own X25519 identity. */
  ageRecipient: z.string(),
  flags: memberFlagsSchema,
  joinedAt: z.number().int(),
  /** Roles this member held before (an admin demoted after a failover, an architect who became admin), so its
   *  older decisions still verify against the role they were published under. */
  formerRoles: z.array(roleSchema).optional(),
})
export type Member = z.infer<typeof memberSchema>

export const VAULT_STATES = ['absent', 'locked', 'unlocked'] as const
export const vaultStateSchema = z.enum(VAULT_STATES)
export type VaultState = z.infer<typeof vaultStateSchema>

export const PEER_STATES = ['stopped', 'starting', 'running', 'stopping', 'error'] as const

export const nodeStatusSchema = z.object({
  version: z.string(),
  state: z.enum(PEER_STATES),
  vault: vaultStateSchema,
  /** Present once the vault has been unlocked at least once in this run. */
  member: z
    .object({ id: z.string(), name: z.string(), role: roleSchema, networkId: z.string(), networkName: z.string() })
    .optional(),
  peerId: z.string().optional(),
  listenAddrs: z.array(z.string()),
  connectedPeers: z.number().int().nonnegative(),
  admin: z.string().optional(),
  term: z.number().int().nonnegative(),
  lastError: z.string().optional(),
  /** This peer's data directory (the local API is this machine's own; the UI shows it in Settings). */
  dataDir: z.string().optional(),
})
export type NodeStatus = z.infer<typeof nodeStatusSchema>

export const peerInfoSchema = z.object({
  peerId: z.string(),
  memberId: z.string().optional(),
  name: z.string().optional(),
  role: roleSchema.optional(),
  isAdmin: z.boolean(),
  addrs: z.array(z.string()),
  direction: z.enum(['inbound', 'outbound']).optional(),
  latencyMs: z.number().nonnegative().optional(),
  /** Connected through a relay rather than directly. */
  relayed: z.boolean(),
})
export type PeerInfo = z.infer<typeof peerInfoSchema>

export const inviteInputSchema = z
  .object({
    role: roleSchema.exclude(['admin']),
    /** Seconds the invite stays valid. */
    ttlSeconds: z.number().int().min(60).max(30 * 24 * 3600).default(24 * 3600),
  })
  .strict()

export const inviteSchema = z.object({ code: z.string(), role: roleSchema, expiresAt: z.number().int() })

export const passphraseSchema = z.string().min(8, 'a passphrase needs at least 8 characters').max(1024)

export const createNetworkInputSchema = z
  .object({ networkName: segmentSchema, memberName: segmentSchema, passphrase: passphraseSchema })
  .strict()

export const joinNetworkInputSchema = z
  .object({ invite: z.string().min(1).max(8192), memberName: segmentSchema, passphrase: passphraseSchema })
  .strict()
