// The unlocked member: its keys in usable form. Built from the vault on unlock, dropped on lock.
import { roleRank, type Role } from '../../src-shared/roles.ts'
import { adminKeyFromSecret, type AdminKey } from './crypto/admin-key.ts'
import { NativeX25519Identity } from './crypto/age.ts'
import { fromBase64 } from './crypto/encoding.ts'
import { decodeShare, type Share } from './crypto/shamir.ts'
import { signingKeyFromSeed, type SigningKeyPair } from './crypto/signing.ts'
import type { VaultContents } from './vault/contents.ts'

export interface RoleIdentity {
  role: Role
  keyId: string
  identity: NativeX25519Identity
  retired: boolean
}

export class MemberSession {
  readonly memberId: string
  readonly name: string
  readonly role: Role
  readonly networkId: string
  readonly networkName: string
  /** The network admin public key: the trust anchor for rosters. */
  readonly adminSigningKey: string
  readonly signing: SigningKeyPair
  readonly own: NativeX25519Identity
  readonly roleIdentities: RoleIdentity[]
  readonly admin: AdminKey | undefined
  readonly share: (Share & { epoch: number }) | undefined

  constructor(v: VaultContents) {
    this.memberId = v.member.id
    this.name = v.member.name
    this.role = v.member.role
    this.networkId = v.network.id
    this.networkName = v.network.name
    this.adminSigningKey = v.network.admin.signingKey
    this.signing = signingKeyFromSeed(fromBase64(v.member.signingSeed))
    this.own = new NativeX25519Identity(v.member.ageIdentity)
    this.admin = v.adminSecret === undefined ? undefined : adminKeyFromSecret(fromBase64(v.adminSecret))
    this.roleIdentities = v.roleKeys.map((k) => ({ role: k.role, keyId: k.keyId, identity: new NativeX25519Identity(k.identity), retired: k.retiredAt !== undefined }))
    if (this.admin !== undefined) this.roleIdentities.unshift({ role: 'admin', keyId: this.admin.age.keyId, identity: this.admin.age, retired: false })
    this.share = v.custody === undefined ? undefined : { ...decodeShare(v.custody.share), epoch: v.custody.epoch }
  }

  /**
   * Every age identity this member can decrypt with: current keys first, lowest role first, so the key that opens
   * a message names its audience (content for R is encrypted to R and every role above it).
   */
  decryptionIdentities(): NativeX25519Identity[] {
    return [...this.roleIdentities]
      .sort((a, b) => Number(a.retired) - Number(b.retired) || roleRank(a.role) - roleRank(b.role))
      .map((r) => r.identity)
  }

  roleOfIdentity(identity: NativeX25519Identity): Role | undefined {
    return this.roleIdentities.find((r) => r.identity === identity)?.role
  }
}
