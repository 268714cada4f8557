// Payloads of the signed records peers store and announce.
import { z } from 'zod'
import { headerSchema } from '../../../src-shared/decisions.ts'
import { roleSchema } from '../../../src-shared/decisions.ts'

/** A decision: the public header and the age-sealed content (base64). Author-signed, immutable. */
export const decisionRecordSchema = z.object({ header: headerSchema, sealed: z.string().min(1) }).strict()
export type DecisionRecord = z.infer<typeof decisionRecordSchema>

/** Announced instead of the full record when that is too big for gossip: readers fetch it from the DHT. */
export const announcementSchema = z.object({ header: headerSchema }).strict()

export const LOG_PAGE_SIZE = 64

/** One page of an author's log of decision headers. The head page is rewritten as it grows; full pages never change. */
export const logRecordSchema = z
  .object({
    author: z.string(),
    /** Total decisions the author has published, i.e. the envelope's seq. */
    count: z.number().int().nonnegative(),
    page: z.number().int().nonnegative(),
    entries: z.array(headerSchema).max(LOG_PAGE_SIZE),
  })
  .strict()
export type LogRecord = z.infer<typeof logRecordSchema>

/** Role keys (and a custodian's share) for one member, each sealed to the member's own age key. Admin-signed. */
export const keyEnvelopeSchema = z
  .object({
    member: z.string(),
    keys: z.array(z.object({ role: roleSchema, keyId: z.string(), createdAt: z.number().int(), retired: z.boolean(), sealed: z.string() }).strict()),
    share: z.object({ epoch: z.number().int(), index: z.number().int(), sealed: z.string() }).strict().optional(),
  })
  .strict()
export type KeyEnvelopePayload = z.infer<typeof keyEnvelopeSchema>

/** The admin's keyring: every role key (current and retired), each sealed to the admin age key. Admin-signed. */
export const keyringSchema = z
  .object({
    keys: z.array(z.object({ role: roleSchema, keyId: z.string(), createdAt: z.number().int(), retired: z.boolean(), sealed: z.string() }).strict()),
  })
  .strict()
export type KeyringPayload = z.infer<typeof keyringSchema>
