// The joiner's new keys, kept from before the join request leaves until the vault is written. A join that dies
// half-way (the joiner or the admin killed after the admin added the member, a lost answer) is then retried with the
// same invite and the same keys, and the admin recognizes the request and answers it again; with fresh keys the
// invite would be spent and the name taken, and the member stranded. Sealed with the join passphrase (like the vault:
// scrypt + ChaCha20-Poly1305), never in clear in the store.
import { z } from 'zod'
import { fromBase64, toBase64, utf8 } from '../crypto/encoding.ts'
import { ageRecipientOf } from '../crypto/age.ts'
import { signingKeyFromSeed } from '../crypto/signing.ts'
import { SYNC, type Store } from '../store/store.ts'
import { checkMatches, keyForHeader, newKey, openBytes, sealBytes, sealedFieldsSchema, wipeKey } from '../vault/sealed-file.ts'
import { generateMemberKeys, type MemberKeys } from './identity.ts'

const KEY = 'pending-join'
const CHECK_LABEL = 'bzzz-pending-join-check'

const fileSchema = z
  .object({ format: z.literal('bzzz-pending-join'), version: z.literal(1), invite: z.string(), name: z.string() })
  .extend(sealedFieldsSchema.shape)
  .extend({ ciphertext: z.string() })
  .strict()
const secretSchema = z.object({ signingSeed: z.string(), ageIdentity: z.string().startsWith('AGE-SECRET-KEY-1') }).strict()

/** The keys of an earlier attempt with this invite and name (and passphrase), else new ones, stored first. */
export async function pendingJoinKeys(store: Store, passphrase: string, join: { inviteId: string; name: string }): Promise<MemberKeys> {
  const db = store.json<unknown>('meta')
  const earlier = fileSchema.safeParse(await db.get(KEY))
  if (earlier.success && earlier.data.invite === join.inviteId && earlier.data.name === join.name) {
    const { ciphertext, ...header } = earlier.data
    const key = await keyForHeader(passphrase, header)
    try {
      const opened = checkMatches(key, CHECK_LABEL, header.check) ? openBytes(header, fromBase64(ciphertext), key) : undefined
      const secret = opened?.ok === true ? secretSchema.safeParse(JSON.parse(opened.plaintext.toString('utf8'))) : undefined
      if (secret?.success === true) {
        const signing = signingKeyFromSeed(fromBase64(secret.data.signingSeed))
        return { signing, ageIdentity: secret.data.ageIdentity, ageRecipient: ageRecipientOf(secret.data.ageIdentity) }
      }
      // Another passphrase (or a damaged entry): new keys; the admin then treats this as a new request.
    } finally {
      wipeKey(key)
    }
  }
  const keys = generateMemberKeys()
  const key = await newKey(passphrase)
  try {
    const plaintext = utf8.encode(JSON.stringify({ signingSeed: toBase64(keys.signing.seed), ageIdentity: keys.ageIdentity }))
    const { header, ciphertext } = sealBytes({ format: 'bzzz-pending-join', version: 1, invite: join.inviteId, name: join.name } as const, plaintext, key, CHECK_LABEL)
    await db.put(KEY, { ...header, ciphertext }, SYNC)
  } finally {
    wipeKey(key)
  }
  return keys
}

/** The vault now holds the keys: forget the pending copy. */
export async function clearPendingJoin(store: Store): Promise<void> {
  await store.json<unknown>('meta').del(KEY, SYNC)
}
