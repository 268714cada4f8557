// The seeds' crypto endpoints: encrypt to a role (and every role above), decrypt with the keys this member holds.
import { BzzzError } from '../../../src-shared/errors.ts'
import { mayRead, type Role } from '../../../src-shared/roles.ts'
import { ageDecrypt, ageEncrypt, armor } from '../crypto/age.ts'
import { utf8 } from '../crypto/encoding.ts'
import { recipientsFor } from '../membership/roster.ts'
import type { Peer } from '../peer.ts'
import type { HandlerTable } from './types.ts'

/** Encrypts to `role` and every role above it. Only content the caller could read itself: no blind writes upward. */
export async function sealForRole(peer: Peer, role: Role, data: Uint8Array | string): Promise<{ bytes: Uint8Array; recipients: Role[] }> {
  const session = peer.session
  const answer = mayRead(session.role, role)
  if (!answer.allowed) throw new BzzzError('forbidden', answer.reason)
  const recipients = recipientsFor(peer.roster.roster, role)
  return { bytes: await ageEncrypt(data, recipients.map((r) => r.recipient)), recipients: recipients.map((r) => r.role) }
}

/** Decrypts with whichever held key opens it; says which role's key that was. */
export async function openWithHeldKeys(peer: Peer, data: Uint8Array): Promise<{ plaintext: Uint8Array; role: Role }> {
  const session = peer.session
  const opened = await ageDecrypt(data, session.decryptionIdentities())
  if (opened === null) throw new BzzzError('forbidden', `none of the keys a ${session.role} holds can decrypt this message`)
  const role = session.roleOfIdentity(opened.identity)
  if (role === undefined) throw new BzzzError('internal', 'decrypted with an unknown key')
  return { plaintext: opened.plaintext, role }
}

export const cryptoHandlers = {
  'crypto.encrypt': async (args, { peer }) => {
    const sealed = await sealForRole(peer, args.role, args.plaintext)
    return { armored: armor.encode(sealed.bytes), recipients: sealed.recipients }
  },
  'crypto.decrypt': async (args, { peer }) => {
    const opened = await openWithHeldKeys(peer, armor.decode(args.armored))
    try {
      return { plaintext: utf8.decode(opened.plaintext), role: opened.role }
    } catch {
      throw new BzzzError('invalid_input', "the message is binary, not text; decrypt it with 'bzzz crypto decrypt' to a file")
    }
  },
} satisfies HandlerTable
