// Creating a network: the first admin, the role keys, the admin key split 3-of-5, the first signed roster.
import { generateAdminKey, adminPublic } from '../crypto/admin-key.ts'
import { ageRecipientOf, generateAgeIdentity, recipientKeyId } from '../crypto/age.ts'
import { toBase64 } from '../crypto/encoding.ts'
import { fingerprint } from '../crypto/hash.ts'
import { encodeShare, SHARE_COUNT, splitSecret, THRESHOLD } from '../crypto/shamir.ts'
import type { VaultContents } from '../vault/contents.ts'
import { generateMemberKeys, publicSigningKey } from './identity.ts'
import { NON_ADMIN_ROLES, signRoster, type NonAdminRole, type Roster } from './roster.ts'
import type { Envelope } from '../crypto/envelope.ts'
import { buildKeyring } from './keyring.ts'

export interface Genesis {
  vault: VaultContents
  roster: Envelope<Roster>
  keyring: { key: string; bytes: Uint8Array }
}

export async function createGenesis(opts: { networkName: string; memberName: string; peerId: string; now?: number }): Promise<Genesis> {
  const now = opts.now ?? Date.now()
  const admin = generateAdminKey()
  const adminPub = adminPublic(admin)
  const networkId = `n${fingerprint(admin.signing.publicKey)}`
  const member = generateMemberKeys()

  const roleKeys = NON_ADMIN_ROLES.map((role) => {
    const identity = generateAgeIdentity()
    return { role, identity, keyId: recipientKeyId(ageRecipientOf(identity)), createdAt: now }
  })
  const roleKeyPublic = Object.fromEntries(roleKeys.map((k) => [k.role, { keyId: k.keyId, recipient: ageRecipientOf(k.identity) }])) as Record<
    NonAdminRole,
    { keyId: string; recipient: string }
  >

  // Custodians: the admin holds share 1; shares 2..5 wait in the admin's vault for the first four members to join.
  const { shares, commitments } = await splitSecret(admin.secret, SHARE_COUNT, THRESHOLD)
  const roster: Roster = {
    network: { id: networkId, name: opts.networkName },
    seq: 1,
    adminTerm: 0,
    admin: { ...adminPub, keyId: recipientKeyId(adminPub.recipient), createdAt: now },
    roleKeys: roleKeyPublic,
    members: [
      {
        id: opts.memberName,
        name: opts.memberName,
        role: 'admin',
        peerIds: [opts.peerId],
        signingKey: publicSigningKey(member),
        ageRecipient: member.ageRecipient,
        flags: { elector: true, candidate: true, custodian: true },
        joinedAt: now,
      },
    ],
    custody: {
      epoch: 1,
      threshold: THRESHOLD,
      slots: shares.map((s, i) => ({ index: s.index, memberId: i === 0 ? opts.memberName : null, digest: commitments[i] ?? '' })),
    },
    usedInvites: [],
    removed: [],
    revokedPeers: [],
  }
  const vault: VaultContents = {
    version: 1,
    member: { id: opts.memberName, name: opts.memberName, role: 'admin', signingSeed: toBase64(member.signing.seed), ageIdentity: member.ageIdentity },
    network: { id: networkId, name: opts.networkName, admin: adminPub, createdAt: now },
    roleKeys,
    adminSecret: toBase64(admin.secret),
    custody: { epoch: 1, index: 1, share: encodeShare(shares[0]!) },
    pendingShares: shares.slice(1).map((s) => ({ epoch: 1, index: s.index, share: encodeShare(s) })),
  }
  const keyring = await buildKeyring({ net: networkId, seq: 1, roleKeys, adminRecipient: adminPub.recipient, adminSigning: admin.signing })
  return { vault, roster: signRoster(roster, admin.signing), keyring }
}
