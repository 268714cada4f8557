// What the vault holds, once decrypted. Nothing here ever leaves the core process.
import { z } from 'zod'
import { roleSchema } from '../../../src-shared/decisions.ts'

export const vaultRoleKeySchema = z
  .object({
    role: roleSchema,
    keyId: z.string(),
    identity: z.string().startsWith('AGE-SECRET-KEY-1'),
    createdAt: z.number().int(),
    /** Set when a newer key replaced this one; old keys stay so old content stays readable. */
    retiredAt: z.number().int().optional(),
  })
  .strict()
export type VaultRoleKey = z.infer<typeof vaultRoleKeySchema>

export const vaultShareSchema = z.object({ epoch: z.number().int(), index: z.number().int().min(1).max(255), share: z.string() }).strict()

export const vaultContentsSchema = z
  .object({
    version: z.literal(1),
    member: z
      .object({
        id: z.string(),
        name: z.string(),
        role: roleSchema,
        signingSeed: z.string(),
        ageIdentity: z.string().startsWith('AGE-SECRET-KEY-1'),
      })
      .strict(),
    network: z
      .object({
        id: z.string(),
        name: z.string(),
        admin: z.object({ signingKey: z.string(), recipient: z.string() }).strict(),
        createdAt: z.number().int(),
      })
      .strict(),
    roleKeys: z.array(vaultRoleKeySchema),
    /** The 32-byte admin master secret (base64), held only while this member is the admin. */
    adminSecret: z.string().optional(),
    /** The admin secret before a rotation, kept until the roster naming the new key is committed (admin-rotation.ts). */
    previousAdminSecret: z.string().optional(),
    /** This member's custodian share. */
    custody: vaultShareSchema.optional(),
    /** Shares the admin keeps until their custodians have joined and received them. */
    pendingShares: z.array(vaultShareSchema).optional(),
  })
  .strict()
export type VaultContents = z.infer<typeof vaultContentsSchema>
