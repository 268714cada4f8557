// What only the admin does to membership: invites, admitting a joiner, removing a member (rotating its role key and
// re-splitting the admin key when the member was a custodian), and issuing key envelopes.
import { z } from 'zod'
import { BzzzError } from '../../../src-shared/errors.ts'
import type { Member } from '../../../src-shared/network.ts'
import type { Role } from '../../../src-shared/roles.ts'
import { segmentProblem } from '../../../src-shared/ucxl.ts'
import { ageEncrypt, ageRecipientOf, generateAgeIdentity, recipientKeyId } from '../crypto/age.ts'
import { fromBase64, toBase64 } from '../crypto/encoding.ts'
import { decodeEnvelope, encodeEnvelope, signEnvelope, verifyEnvelope, type Envelope } from '../crypto/envelope.ts'
import { encodeShare, splitSecret, THRESHOLD, decodeShare } from '../crypto/shamir.ts'
import { signingKeyId } from '../crypto/signing.ts'
import type { Peer } from '../peer.ts'
import { keysKey, rosterKey } from '../records/keys.ts'
import type { KeyEnvelopePayload } from '../records/schemas.ts'
import type { VaultContents } from '../vault/contents.ts'
import { createInvite, decodeInvite } from './invite.ts'
import { findMember, signRoster, type NonAdminRole, type Roster } from './roster.ts'

const KEY_ENVELOPE_TTL_MS = 100 * 365 * 24 * 3600 * 1000

export const joinRequestSchema = z
  .object({
    invite: z.string(),
    name: z.string(),
    signingKey: z.string(),
    ageRecipient: z.string().startsWith('age1'),
    peerId: z.string(),
  })
  .strict()
export type JoinRequest = z.infer<typeof joinRequestSchema>

export interface MembershipNetwork {
  /** This peer's dialable addresses, for invites. */
  addresses(): string[]
  /** Stores a signed record in the DHT and announces rosters over gossip. */
  publishRecord(key: string, bytes: Uint8Array, announceTopic?: 'roster'): Promise<void>
}

/** Default flags for a new member: everyone votes; observers do not stand for admin. */
export function defaultFlags(role: Role): Member['flags'] {
  return { elector: true, candidate: role !== 'observer', custodian: false }
}

export class MembershipAdmin {
  network: MembershipNetwork | undefined
  private readonly peer: Peer
  private queue: Promise<unknown> = Promise.resolve()

  constructor(peer: Peer) {
    this.peer = peer
  }

  private adminKey() {
    const admin = this.peer.session.admin
    if (admin === undefined) throw new BzzzError('forbidden', 'only the current admin holds the admin key; this peer is not the admin')
    return admin
  }

  /** Roster changes one at a time: each builds on the last. */
  private serialized<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn)
    this.queue = run.catch(() => undefined)
    return run
  }

  invite(role: NonAdminRole, ttlSeconds: number): { code: string; role: NonAdminRole; expiresAt: number } {
    const admin = this.adminKey()
    const roster = this.peer.roster.roster
    const bootstrap = this.network?.addresses() ?? []
    const { code, payload } = createInvite({ role, network: roster.network, bootstrap, ttlSeconds, adminSigning: admin.signing, adminSigningKey: roster.admin.signingKey })
    return { code, role, expiresAt: payload.expiresAt }
  }

  /** Admits a joiner: checks the invite and the request, adds the member, hands over its keys (and a share). */
  admit(requestBytes: Uint8Array, remotePeer: string): Promise<{ roster: Uint8Array; keys: Uint8Array }> {
    return this.serialized(async () => {
      const admin = this.adminKey()
      const env = decodeEnvelope(requestBytes)
      const parsed = joinRequestSchema.safeParse(env.payload)
      if (env.kind !== 'join_request' || !parsed.success) throw new BzzzError('invalid_input', 'malformed join request')
      const req = parsed.data
      const joinKey = fromBase64(req.signingKey, 'signing key')
      // The request is signed with the key it registers: the joiner proves it holds it.
      verifyEnvelope(env, { net: this.peer.roster.roster.network.id, kinds: ['join_request'], resolveKey: (author, keyId) => (author === req.name && keyId === signingKeyId(joinKey) ? joinKey : undefined) })
      if (req.peerId !== remotePeer) throw new BzzzError('forbidden', 'the join request names another peer than the one that sent it')
      const { payload: invite } = decodeInvite(req.invite)
      const roster = this.peer.roster.roster
      if (invite.network.id !== roster.network.id) throw new BzzzError('invalid_input', 'the invite is for another network')
      if (invite.adminSigningKey !== roster.admin.signingKey) throw new BzzzError('invalid_input', 'the invite was not signed by this network\'s admin key')
      if (roster.usedInvites.includes(invite.id)) throw new BzzzError('conflict', 'this invite was already used; ask your admin for a new one')
      const bad = segmentProblem(req.name)
      if (bad !== undefined) throw new BzzzError('invalid_input', `member name '${req.name}' ${bad}`)
      if (findMember(roster, req.name) !== undefined || roster.removed.includes(req.name)) throw new BzzzError('conflict', `the name '${req.name}' is taken in this network; choose another with --name`)

      const member: Member = {
        id: req.name,
        name: req.name,
        role: invite.role,
        peerIds: [req.peerId],
        signingKey: req.signingKey,
        ageRecipient: req.ageRecipient,
        flags: defaultFlags(invite.role),
        joinedAt: Date.now(),
      }
      // The first members to join receive the custody shares the admin has been keeping for them.
      const slot = roster.custody.slots.find((s) => s.memberId === null)
      const vault = this.peer.vaultHandle.contents
      const pending = slot === undefined ? undefined : vault.pendingShares?.find((p) => p.index === slot.index && p.epoch === roster.custody.epoch)
      if (slot !== undefined && pending !== undefined) member.flags.custodian = true
      const next: Roster = {
        ...roster,
        seq: roster.seq + 1,
        members: [...roster.members, member],
        usedInvites: [...roster.usedInvites, invite.id],
        custody: member.flags.custodian && slot !== undefined ? { ...roster.custody, slots: roster.custody.slots.map((s) => (s.index === slot.index ? { ...s, memberId: member.id } : s)) } : roster.custody,
      }
      const keys = await this.keyEnvelope(member, next, vault, member.flags.custodian ? pending : undefined)
      if (pending !== undefined && member.flags.custodian) {
        await this.peer.vaultHandle.update((v) => ({ ...v, pendingShares: (v.pendingShares ?? []).filter((p) => p.index !== pending.index) }))
      }
      const rosterEnv = await this.commitRoster(next, admin.signing)
      await this.publishKeys(member.id, keys)
      await this.peer.audit.append('member_added', { member: member.id, role: member.role, custodian: member.flags.custodian, seq: next.seq }, roster.members[0]?.id)
      this.peer.events.emit('member.added', { memberId: member.id, name: member.name, role: member.role, seq: next.seq })
      return { roster: encodeEnvelope(rosterEnv), keys: encodeEnvelope(keys) }
    })
  }

  /** Removes a member, rotates its role key, and re-splits the admin key if it held a share. */
  remove(memberId: string): Promise<{ seq: number; rotatedRole: Role }> {
    return this.serialized(async () => {
      const admin = this.adminKey()
      const roster = this.peer.roster.roster
      const member = findMember(roster, memberId)
      if (member === undefined) throw new BzzzError('not_found', `'${memberId}' is not a member`)
      if (member.id === this.peer.session.memberId) throw new BzzzError('conflict', 'the admin cannot remove itself; another member must become admin first')
      if (member.role === 'admin') throw new BzzzError('conflict', 'cannot remove an admin-role member')
      const role = member.role as NonAdminRole
      const now = Date.now()
      const identity = generateAgeIdentity()
      const recipient = ageRecipientOf(identity)
      const keyId = recipientKeyId(recipient)
      let vault = await this.peer.vaultHandle.update((v) => ({
        ...v,
        roleKeys: [...v.roleKeys.map((k) => (k.role === role && k.retiredAt === undefined ? { ...k, retiredAt: now } : k)), { role, keyId, identity, createdAt: now }],
      }))
      let next: Roster = {
        ...roster,
        seq: roster.seq + 1,
        members: roster.members.filter((m) => m.id !== memberId),
        removed: [...roster.removed, memberId],
        revokedPeers: [...roster.revokedPeers, ...member.peerIds],
        roleKeys: { ...roster.roleKeys, [role]: { keyId, recipient } },
      }
      let shares: Map<number, string> | undefined
      if (member.flags.custodian) {
        // The removed member still holds a share of the old split: re-split so it is worthless.
        const resplit = await splitSecret(admin.secret)
        shares = new Map(resplit.shares.map((s) => [s.index, encodeShare(s)]))
        const epoch = roster.custody.epoch + 1
        const slots = roster.custody.slots.map((s, i) => ({ index: s.index, memberId: s.memberId === memberId ? null : s.memberId, digest: resplit.commitments[i] ?? '' }))
        next = { ...next, custody: { epoch, threshold: THRESHOLD, slots } }
        const self = this.peer.session.memberId
        vault = await this.peer.vaultHandle.update((v) => ({
          ...v,
          custody: slots.some((s) => s.memberId === self) ? { epoch, index: slots.find((s) => s.memberId === self)!.index, share: shares!.get(slots.find((s) => s.memberId === self)!.index)! } : v.custody,
          pendingShares: slots.filter((s) => s.memberId === null).map((s) => ({ epoch, index: s.index, share: shares!.get(s.index)! })),
        }))
      }
      // New keys for the removed member's former role-mates, new shares for every other custodian. They go out
      // before the roster that asks for them, so a member who sees the roster finds its keys already there.
      for (const m of next.members) {
        if (m.id === this.peer.session.memberId) continue
        const slot = next.custody.slots.find((s) => s.memberId === m.id)
        if (m.role !== role && (shares === undefined || slot === undefined)) continue
        const share = slot !== undefined && shares !== undefined ? { epoch: next.custody.epoch, index: slot.index, share: shares.get(slot.index)! } : undefined
        await this.publishKeys(m.id, await this.keyEnvelope(m, next, vault, share))
      }
      await this.commitRoster(next, admin.signing)
      await this.peer.audit.append('member_removed', { member: memberId, seq: next.seq }, this.peer.session.memberId)
      await this.peer.audit.append('key_rotated', { role, keyId }, this.peer.session.memberId)
      this.peer.events.emit('member.removed', { memberId, seq: next.seq })
      this.peer.events.emit('key.rotated', { key: role, keyId })
      return { seq: next.seq, rotatedRole: role }
    })
  }

  /** Every key of the member's role (current and retired) and its share, each sealed to the member's own age key. */
  private async keyEnvelope(member: Member, roster: Roster, vault: VaultContents, share?: { epoch: number; index: number; share: string }): Promise<Envelope<KeyEnvelopePayload>> {
    const keys = await Promise.all(
      vault.roleKeys
        .filter((k) => k.role === member.role)
        .map(async (k) => ({ role: k.role, keyId: k.keyId, createdAt: k.createdAt, retired: k.retiredAt !== undefined, sealed: toBase64(await ageEncrypt(k.identity, [member.ageRecipient])) })),
    )
    const payload: KeyEnvelopePayload = { member: member.id, keys }
    if (share !== undefined) {
      decodeShare(share.share) // never hand out something that is not a share
      payload.share = { epoch: share.epoch, index: share.index, sealed: toBase64(await ageEncrypt(share.share, [member.ageRecipient])) }
    }
    return signEnvelope({ kind: 'key_envelope', net: roster.network.id, author: 'admin', seq: roster.seq, payload, ttlMs: KEY_ENVELOPE_TTL_MS }, this.adminKey().signing)
  }

  private async commitRoster(next: Roster, signing: ReturnType<MembershipAdmin['adminKey']>['signing']): Promise<Envelope<Roster>> {
    const env = signRoster(next, signing)
    await this.peer.roster.accept(env)
    const bytes = encodeEnvelope(env)
    await this.peer.records.put(rosterKey(next.network.id), bytes)
    await this.network?.publishRecord(rosterKey(next.network.id), bytes, 'roster').catch(() => undefined)
    return env
  }

  private async publishKeys(memberId: string, env: Envelope<KeyEnvelopePayload>): Promise<void> {
    const key = keysKey(env.net, memberId)
    const bytes = encodeEnvelope(env)
    await this.peer.records.put(key, bytes)
    await this.network?.publishRecord(key, bytes).catch(() => undefined)
  }
}
