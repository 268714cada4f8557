// What only the admin does to membership: invites, admitting a joiner, removing a member (rotating its role key and
// re-splitting the admin key when the member was a custodian), and issuing key envelopes.
import { z } from 'zod'
import { BzzzError } from '../../../src-shared/errors.ts'
import type { Member } from '../../../src-shared/network.ts'
import type { Role } from '../../../src-shared/roles.ts'
import { segmentProblem } from '../../../src-shared/ucxl.ts'
import { ageRecipientOf, generateAgeIdentity, recipientKeyId } from '../crypto/age.ts'
import { fromBase64, toBase64 } from '../crypto/encoding.ts'
import { decodeEnvelope, encodeEnvelope, signEnvelope, verifyEnvelope, type Envelope } from '../crypto/envelope.ts'
import { encodeShare, splitSecret, THRESHOLD } from '../crypto/shamir.ts'
import { signingKeyId } from '../crypto/signing.ts'
import type { Peer } from '../peer.ts'
import { keysKey, rosterKey } from '../records/keys.ts'
import type { KeyEnvelopePayload } from '../records/schemas.ts'
import type { VaultContents } from '../vault/contents.ts'
import { createInvite, decodeInvite } from './invite.ts'
import { buildKeyEnvelope } from './key-envelope.ts'
import { buildKeyring } from './keyring.ts'
import { findMember, signRoster, type AdminRotation, type NonAdminRole, type Roster } from './roster.ts'
import { adminPublic, generateAdminKey } from '../crypto/admin-key.ts'
import { failpoint } from '../failpoints.ts'
import { reconcileAdminRotation } from './admin-rotation.ts'

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
  /** Queues a signed record for the DHT (in order, not awaited: see background-puts.ts) and announces rosters over gossip. */
  publishRecord(key: string, bytes: Uint8Array, announceTopic?: 'roster'): Promise<void>
  /**
   * Stores a signed record in the DHT now (resolves once enough replicas took it, or the put timed out); an older copy
   * queued by publishRecord never lands after it. With `after`, first waits for that queued key to be sent.
   */
  storeInDht(key: string, bytes: Uint8Array, after?: string): Promise<void>
  /** Members with a live connection to this peer. */
  onlineMembers(): Set<string>
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
    const election = this.peer.election
    if (election !== undefined && !election.isLeader) {
      throw new BzzzError('forbidden', `this peer is not the sitting admin (term ${election.term}${election.leader === undefined ? ', no admin elected yet' : `, admin ${election.leader}`})`)
    }
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
      if (roster.usedInvites.includes(invite.id)) {
        // The same joiner asking again with the same keys (pending-join.ts): its answer was lost to a kill of either
        // side or a dropped stream after the roster named it. Answer again instead of stranding the member.
        const same = findMember(roster, req.name)
        if (same !== undefined && same.role === invite.role && same.signingKey === req.signingKey && same.ageRecipient === req.ageRecipient && same.peerIds.includes(req.peerId)) {
          return this.answerAgain(same)
        }
        throw new BzzzError('conflict', 'this invite was already used; ask your admin for a new one')
      }
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
      failpoint('join.admit.after-accept', { member: member.id })
      // The roster first (the commit point: invite spent, member added), then the key envelope, and only then does
      // the admin drop its copy of the share: a kill in between leaves the share where a retry can still find it.
      const rosterEnv = await this.commitRoster(next, admin.signing)
      failpoint('join.admit.after-roster', { member: member.id, seq: next.seq })
      await this.publishKeys(member.id, keys)
      if (pending !== undefined && member.flags.custodian) await this.dropPendingShare(pending.index)
      failpoint('join.admit.after-keys', { member: member.id })
      await this.peer.audit.append('member_added', { member: member.id, role: member.role, custodian: member.flags.custodian, seq: next.seq }, roster.members[0]?.id)
      this.peer.events.emit('member.added', { memberId: member.id, name: member.name, role: member.role, seq: next.seq })
      return { roster: encodeEnvelope(rosterEnv), keys: encodeEnvelope(keys) }
    })
  }

  /** A repeated join request of a member already in the roster: the roster (sent out again) and its key envelope. */
  private async answerAgain(member: Member): Promise<{ roster: Uint8Array; keys: Uint8Array }> {
    const roster = this.peer.roster.roster
    const rosterBytes = encodeEnvelope(this.peer.roster.envelope!)
    await this.network?.publishRecord(rosterKey(roster.network.id), rosterBytes, 'roster').catch(() => undefined)
    const stored = await this.peer.records.get(keysKey(roster.network.id, member.id))
    if (stored !== undefined) return { roster: rosterBytes, keys: stored }
    // Killed before the key envelope was stored: build it now (the admin still holds the member's share, if any).
    const slot = roster.custody.slots.find((s) => s.memberId === member.id)
    const vault = this.peer.vaultHandle.contents
    const pending = slot === undefined ? undefined : vault.pendingShares?.find((p) => p.index === slot.index && p.epoch === roster.custody.epoch)
    const keys = await this.keyEnvelope(member, roster, vault, pending)
    await this.publishKeys(member.id, keys)
    if (pending !== undefined) await this.dropPendingShare(pending.index)
    await this.peer.audit.append('member_added', { member: member.id, role: member.role, custodian: member.flags.custodian, seq: roster.seq, retried: true }, this.peer.session.memberId)
    return { roster: rosterBytes, keys: encodeEnvelope(keys) }
  }

  private async dropPendingShare(index: number): Promise<void> {
    await this.peer.vaultHandle.update((v) => ({ ...v, pendingShares: (v.pendingShares ?? []).filter((p) => p.index !== index) }))
  }

  /** Removes a member, rotates its role key, and re-splits the admin key if it held a share. */
  remove(memberId: string): Promise<{ seq: number; rotatedRole: Role }> {
    return this.serialized(async () => {
      const roster = this.peer.roster.roster
      const member = findMember(roster, memberId)
      if (member === undefined) throw new BzzzError('not_found', `'${memberId}' is not a member`)
      if (member.id === this.peer.session.memberId) throw new BzzzError('conflict', 'the admin cannot remove itself; another member must become admin first')
      if (member.role === 'admin') throw new BzzzError('conflict', 'cannot remove an admin-role member')
      const role = member.role as NonAdminRole
      const next = await this.change({
        draft: {
          ...roster,
          members: roster.members.filter((m) => m.id !== memberId),
          removed: [...roster.removed, memberId],
          revokedPeers: [...roster.revokedPeers, ...member.peerIds],
        },
        rotate: role,
        // A removed custodian still holds a share of the old split: re-split so that share is worthless.
        ...(member.flags.custodian ? { custodians: roster.custody.slots.map((s) => (s.memberId === memberId ? null : s.memberId)) } : {}),
      })
      await this.peer.audit.append('member_removed', { member: memberId, seq: next.seq }, this.peer.session.memberId)
      this.peer.events.emit('member.removed', { memberId, seq: next.seq })
      return { seq: next.seq, rotatedRole: role }
    })
  }

  /** Rotates a role key now (also run on schedule): new content is sealed to the new key; old keys stay. */
  rotate(role: NonAdminRole): Promise<{ key: Role; keyId: string }> {
    return this.serialized(async () => {
      const next = await this.change({ draft: this.peer.roster.roster, rotate: role })
      return { key: role, keyId: next.roleKeys[role].keyId }
    })
  }

  /**
   * Rotates the admin key itself: a new secret, endorsed by the old signing key (the rotation link every member can
   * follow from the key it trusts), re-split among the same custodians. The old admin age identity moves into the
   * keyring as a retired key, so admin-only content sealed before stays readable by whoever holds the seat.
   */
  rotateAdmin(): Promise<{ key: Role; keyId: string }> {
    return this.serialized(async () => {
      const old = this.adminKey()
      const roster = this.peer.roster.roster
      const next = generateAdminKey()
      const pub = adminPublic(next)
      const now = Date.now()
      const rotation: AdminRotation = { from: roster.admin.signingKey, to: pub.signingKey, toRecipient: pub.recipient, at: now }
      const link = toBase64(encodeEnvelope(signEnvelope({ kind: 'admin_rotation', net: roster.network.id, author: 'admin', seq: roster.seq + 1, payload: rotation, ttlMs: 100 * 365 * 24 * 3600 * 1000 }, old.signing)))
      // The old secret stays beside the new one until the roster names the new key (admin-rotation.ts).
      await this.peer.vaultHandle.update((v) => ({
        ...v,
        adminSecret: toBase64(next.secret),
        previousAdminSecret: toBase64(old.secret),
        roleKeys: [...v.roleKeys, { role: 'admin' as const, keyId: old.age.keyId, identity: old.ageIdentity, createdAt: roster.admin.createdAt ?? now, retiredAt: now }],
      }))
      this.peer.refreshSession()
      failpoint('membership.rotate-admin.after-vault')
      const keyId = recipientKeyId(pub.recipient)
      try {
        await this.change({
          draft: { ...roster, admin: { ...pub, keyId, createdAt: now }, adminChain: [...(roster.adminChain ?? []), link] },
          custodians: roster.custody.slots.map((s) => s.memberId),
          keyring: true,
        })
      } finally {
        // Committed: drop the old secret. Failed before the roster: take it back.
        if (await reconcileAdminRotation(this.peer.vaultHandle, this.peer.roster.roster)) this.peer.refreshSession()
      }
      await this.peer.audit.append('key_rotated', { role: 'admin', keyId, custodyEpoch: this.peer.roster.roster.custody.epoch }, this.peer.session.memberId)
      this.peer.events.emit('key.rotated', { key: 'admin', keyId })
      return { key: 'admin' as const, keyId }
    })
  }

  /**
   * After a failover: keep the custodians that are online (this admin included), fill the free slots with other
   * online members, and re-split if that changes anything. Offline custodians' shares become worthless.
   */
  refreshCustodians(): Promise<void> {
    return this.serialized(async () => {
      const roster = this.peer.roster.roster
      const self = this.peer.session.memberId
      const online = this.network?.onlineMembers() ?? new Set<string>()
      const live = (id: string | null): id is string => id !== null && (id === self || online.has(id)) && roster.members.some((m) => m.id === id)
      const keep = roster.custody.slots.map((s) => s.memberId).filter(live)
      if (!keep.includes(self)) keep.unshift(self)
      const others = roster.members.map((m) => m.id).filter((id) => !keep.includes(id) && live(id))
      const chosen = [...keep, ...others].slice(0, roster.custody.slots.length)
      const current = roster.custody.slots.map((s) => s.memberId)
      if (chosen.length === current.filter((x) => x !== null).length && chosen.every((id) => current.includes(id))) return
      const slots = [...chosen, ...Array<null>(roster.custody.slots.length - chosen.length).fill(null)]
      const next = await this.change({ draft: roster, custodians: slots })
      await this.peer.audit.append('key_rotated', { key: 'custody', epoch: next.custody.epoch, custodians: chosen, reason: 'failover' }, self)
    })
  }

  /** Chooses the five custodians (in share order) and re-splits the admin key among them. */
  assignCustodians(memberIds: string[]): Promise<{ epoch: number }> {
    return this.serialized(async () => {
      const roster = this.peer.roster.roster
      if (new Set(memberIds).size !== memberIds.length) throw new BzzzError('invalid_input', 'each custodian can hold only one share; name five different members')
      for (const id of memberIds) if (findMember(roster, id) === undefined) throw new BzzzError('not_found', `'${id}' is not a member`)
      const next = await this.change({ draft: roster, custodians: memberIds })
      await this.peer.audit.append('key_rotated', { key: 'custody', epoch: next.custody.epoch, custodians: memberIds }, this.peer.session.memberId)
      return { epoch: next.custody.epoch }
    })
  }

  /**
   * One roster change: optionally a role key rotation and a re-split of the admin key among `custodians` (null keeps
   * a share with the admin until someone joins). Key envelopes go out before the roster that asks for them.
   */
  private async change(c: { draft: Roster; rotate?: NonAdminRole; custodians?: (string | null)[]; keyring?: boolean }): Promise<Roster> {
    const admin = this.adminKey()
    const self = this.peer.session.memberId
    let next: Roster = { ...c.draft, seq: this.peer.roster.roster.seq + 1 }
    let vault = this.peer.vaultHandle.contents
    let keyId: string | undefined
    if (c.rotate !== undefined) {
      const role = c.rotate
      const now = Date.now()
      const identity = generateAgeIdentity()
      const recipient = ageRecipientOf(identity)
      keyId = recipientKeyId(recipient)
      vault = await this.peer.vaultHandle.update((v) => ({
        ...v,
        roleKeys: [...v.roleKeys.map((k) => (k.role === role && k.retiredAt === undefined ? { ...k, retiredAt: now } : k)), { role, keyId: keyId!, identity, createdAt: now }],
      }))
      next = { ...next, roleKeys: { ...next.roleKeys, [role]: { keyId, recipient } } }
    }
    let shares: Map<number, string> | undefined
    if (c.custodians !== undefined) {
      const resplit = await splitSecret(admin.secret)
      const byIndex = new Map(resplit.shares.map((s) => [s.index, encodeShare(s)]))
      shares = byIndex
      const epoch = next.custody.epoch + 1
      const slots = resplit.shares.map((s, i) => ({ index: s.index, memberId: c.custodians![i] ?? null, digest: resplit.commitments[i] ?? '' }))
      next = {
        ...next,
        custody: { epoch, threshold: THRESHOLD, slots },
        members: next.members.map((m) => ({ ...m, flags: { ...m.flags, custodian: slots.some((s) => s.memberId === m.id) } })),
      }
      const mine = slots.find((s) => s.memberId === self)
      vault = await this.peer.vaultHandle.update((v) => {
        const { custody: _old, ...rest } = v
        return {
          ...(mine === undefined ? rest : { ...v, custody: { epoch, index: mine.index, share: byIndex.get(mine.index)! } }),
          pendingShares: slots.filter((s) => s.memberId === null).map((s) => ({ epoch, index: s.index, share: byIndex.get(s.index)! })),
        }
      })
    }
    failpoint('membership.change.after-vault', { seq: next.seq })
    // The members' new keys are in the DHT before the roster that makes them owed (killed after the roster, they are
    // there to fetch): all at once, so a rotation or re-split waits for one put time, not one per member.
    // Every envelope is built before any is sent, so a failure building one leaves no put running unawaited.
    const owed: [string, Envelope<KeyEnvelopePayload>][] = []
    for (const m of next.members) {
      if (m.id === self) continue
      const slot = next.custody.slots.find((s) => s.memberId === m.id)
      const newShare = shares !== undefined && slot !== undefined
      if (m.role !== c.rotate && !newShare) continue
      const share = newShare ? { epoch: next.custody.epoch, index: slot.index, share: shares!.get(slot.index)! } : undefined
      owed.push([m.id, await this.keyEnvelope(m, next, vault, share)])
    }
    await Promise.all(owed.map(([id, env]) => this.publishKeys(id, env, 'await-dht')))
    // The keyring is stored before the roster naming the new key (killed after it, nobody would rewrite it and the
    // next admin would lack that key); published after it (a rotated admin key's keyring verifies only then).
    const keyring = c.rotate !== undefined || c.keyring === true ? await buildKeyring({ net: next.network.id, seq: next.seq, roleKeys: vault.roleKeys, adminRecipient: next.admin.recipient, adminSigning: admin.signing }) : undefined
    if (keyring !== undefined) await this.peer.records.put(keyring.key, keyring.bytes)
    await this.commitRoster(next, admin.signing)
    failpoint('membership.change.after-roster', { seq: next.seq })
    // In the DHT before change() returns, and after the roster (replicas verify a rotated admin key's keyring by it).
    if (keyring !== undefined) await this.network?.storeInDht(keyring.key, keyring.bytes, rosterKey(next.network.id)).catch(() => undefined)
    if (c.rotate !== undefined && keyId !== undefined) {
      await this.peer.audit.append('key_rotated', { role: c.rotate, keyId }, self)
      this.peer.events.emit('key.rotated', { key: c.rotate, keyId })
    }
    this.peer.refreshSession()
    return next
  }

  /**
   * The elected admin takes the seat: the roster names it admin for `term` (its former role is kept for its older
   * decisions), and the previous admin becomes an architect and gets the architect keys.
   */
  takeSeat(term: number): Promise<void> {
    return this.serialized(async () => {
      const admin = this.adminKey()
      const roster = this.peer.roster.roster
      const self = this.peer.session.memberId
      const me = findMember(roster, self)
      if (me === undefined) throw new BzzzError('not_found', 'this member is not in the roster')
      if (me.role === 'admin' && roster.adminTerm >= term) return
      const demoted: Member[] = []
      const members = roster.members.map((m) => {
        if (m.id === self) return { ...m, role: 'admin' as const, formerRoles: [...new Set([...(m.formerRoles ?? []), ...(m.role === 'admin' ? [] : [m.role])])] }
        if (m.role !== 'admin') return m
        const d = { ...m, role: 'architect' as const, formerRoles: [...new Set([...(m.formerRoles ?? []), 'admin' as const])] }
        demoted.push(d)
        return d
      })
      const next: Roster = { ...roster, seq: roster.seq + 1, adminTerm: term, members }
      const vault = await this.peer.vaultHandle.update((v) => ({ ...v, member: { ...v.member, role: 'admin' } }))
      this.peer.refreshSession()
      // The seat first (the roster is the commit point); the demoted admin already holds every role key, so its new
      // key envelope (for the records) can follow in the background.
      await this.commitRoster(next, admin.signing)
      void (async () => {
        for (const d of demoted) await this.publishKeys(d.id, await this.keyEnvelope(d, next, vault))
      })().catch((err: Error) => this.peer.log('warn', 'key envelope for the previous admin failed', { error: err.message }))
      // The previous admin's share went away with it (and maybe other custodians' too): re-split among members that
      // are here, so the next failover again finds five live custodians.
      // A few seconds first: followers connect to their new admin as they acknowledge its heartbeats.
      setTimeout(() => {
        // Stopped, locked or no longer the admin meanwhile: nothing to re-split from here (the next admin does it).
        if (this.peer.sessionOrUndefined?.admin === undefined || this.network === undefined) return
        void this.refreshCustodians().catch((err: Error) => this.peer.log('warn', 'custody re-split after the failover failed', { error: err.message }))
      }, 3_000).unref()
      await this.peer.audit.append('member_added', { member: self, role: 'admin', term, seat: true }, self)
    })
  }

  private keyEnvelope(member: Member, roster: Roster, vault: VaultContents, share?: { epoch: number; index: number; share: string }): Promise<Envelope<KeyEnvelopePayload>> {
    return buildKeyEnvelope(member, roster, vault, this.adminKey().signing, share)
  }

  private async commitRoster(next: Roster, signing: ReturnType<MembershipAdmin['adminKey']>['signing']): Promise<Envelope<Roster>> {
    const env = signRoster(next, signing)
    const bytes = encodeEnvelope(env)
    // The roster book and the records' copy in one batch: the copy is what the republisher sends after a restart.
    await this.peer.roster.accept(env, [this.peer.records.write(rosterKey(next.network.id), bytes)])
    await this.network?.publishRecord(rosterKey(next.network.id), bytes, 'roster').catch(() => undefined)
    return env
  }

  /** Stores a key envelope and sends it to the DHT: in the background, or (`await-dht`) before returning. */
  private async publishKeys(memberId: string, env: Envelope<KeyEnvelopePayload>, mode: 'background' | 'await-dht' = 'background'): Promise<void> {
    const key = keysKey(env.net, memberId)
    const bytes = encodeEnvelope(env)
    await this.peer.records.put(key, bytes)
    if (mode === 'await-dht') await this.network?.storeInDht(key, bytes).catch(() => undefined)
    else await this.network?.publishRecord(key, bytes).catch(() => undefined)
  }
}
