// A member's side of key distribution: when the roster names a role key or a custody epoch this vault does not
// hold, fetch the member's key envelope, open each key with the member's own age identity, and store it.
import { BzzzError } from '../../../src-shared/errors.ts'
import { ageDecrypt } from '../crypto/age.ts'
import { fromBase64, utf8 } from '../crypto/encoding.ts'
import { decodeShare, shareDigest, type Share } from '../crypto/shamir.ts'
import { verifyCertificate } from '../election/messages.ts'
import type { Envelope } from '../crypto/envelope.ts'
import type { Peer } from '../peer.ts'
import type { KeyEnvelopePayload } from '../records/schemas.ts'
import type { NonAdminRole } from './roster.ts'

/** True when the roster says this member should hold a key or share it does not have yet. */
export function needsKeys(peer: Peer): boolean {
  const session = peer.sessionOrUndefined
  if (session === undefined || session.role === 'admin') return false
  const roster = peer.roster.roster
  const me = roster.members.find((m) => m.id === session.memberId)
  if (me === undefined) return false
  const current = roster.roleKeys[session.role as NonAdminRole]
  if (!session.roleIdentities.some((k) => k.keyId === current.keyId)) return true
  const slot = roster.custody.slots.find((s) => s.memberId === session.memberId)
  return slot !== undefined && !holdsCommittedShare(session.share, slot, roster.custody.epoch)
}

/**
 * Whether a share is the one the roster commits to for this slot. By digest, not only by epoch: an admin killed in
 * the middle of a re-split may have sent key envelopes of a split its roster never named, and its next re-split
 * reuses that epoch number with other shares.
 */
function holdsCommittedShare(share: (Share & { epoch: number }) | undefined, slot: { index: number; digest: string }, epoch: number): boolean {
  return share !== undefined && share.epoch === epoch && share.index === slot.index && shareDigest(share.bytes) === slot.digest
}

async function open(peer: Peer, sealed: string): Promise<string> {
  const opened = await ageDecrypt(fromBase64(sealed), [peer.session.own])
  if (opened === null) throw new BzzzError('forbidden', 'a key envelope addressed to this member does not open with its key')
  return utf8.decode(opened.plaintext)
}

/** Merges a verified key envelope into the vault; returns true when anything changed. */
export async function applyKeyEnvelope(peer: Peer, env: Envelope<KeyEnvelopePayload>): Promise<boolean> {
  const session = peer.session
  if (env.payload.member !== session.memberId) throw new BzzzError('invalid_input', 'this key envelope is for another member')
  const vault = peer.vaultHandle.contents
  const known = new Map(vault.roleKeys.map((k) => [k.keyId, k]))
  const added = []
  for (const k of env.payload.keys) {
    const have = known.get(k.keyId)
    if (have !== undefined) {
      if (k.retired && have.retiredAt === undefined) known.set(k.keyId, { ...have, retiredAt: Date.now() })
      continue
    }
    const identity = await open(peer, k.sealed)
    const entry = { role: k.role, keyId: k.keyId, identity, createdAt: k.createdAt, ...(k.retired ? { retiredAt: Date.now() } : {}) }
    known.set(k.keyId, entry)
    added.push(k.keyId)
  }
  let custody = vault.custody
  const share = env.payload.share
  // Only a share the current roster commits to replaces the one held: never one of a split that was not committed
  // (the roster that names it arrives later, and then the envelope is fetched again).
  const custodyState = peer.roster.roster.custody
  const slot = custodyState.slots.find((s) => s.memberId === session.memberId)
  if (share !== undefined && slot !== undefined && share.epoch === custodyState.epoch && share.index === slot.index && !holdsCommittedShare(session.share, slot, custodyState.epoch)) {
    const text = await open(peer, share.sealed)
    if (shareDigest(decodeShare(text).bytes) === slot.digest) custody = { epoch: share.epoch, index: share.index, share: text }
  }
  const changed = added.length > 0 || custody !== vault.custody || [...known.values()].some((k, i) => k !== vault.roleKeys[i])
  if (!changed) return false
  await peer.vaultHandle.update((v) => ({ ...v, roleKeys: [...known.values()], ...(custody === undefined ? {} : { custody }) }))
  peer.refreshSession()
  return true
}

/**
 * Keeps the vault's role in step with the roster: after a failover the new admin's role becomes admin and the old
 * admin's becomes architect. A member that is no longer the admin drops the admin key (its custody share stays).
 */
export async function syncRole(peer: Peer): Promise<boolean> {
  const session = peer.sessionOrUndefined
  if (session === undefined) return false
  const me = peer.roster.roster.members.find((m) => m.id === session.memberId)
  if (me === undefined) return false
  // A winner killed after storing the rebuilt key, before its roster named the seat, keeps the key: it takes the seat
  // after its restart (dropping it here would cost another election and recovery).
  const dropKey = me.role !== 'admin' && session.admin !== undefined && !(await wonNewerTerm(peer, me.id))
  if (me.role === session.role && !dropKey) return false
  await peer.vaultHandle.update((v) => {
    const { adminSecret: _dropped, ...rest } = v
    return { ...(dropKey ? rest : v), member: { ...v.member, role: me.role } }
  })
  peer.refreshSession()
  peer.log('info', 'role changed by the roster', { role: me.role, droppedAdminKey: dropKey })
  return true
}

/** Whether this peer holds the certificate of a term newer than the roster's seat, won by `memberId`. */
async function wonNewerTerm(peer: Peer, memberId: string): Promise<boolean> {
  const bytes = await peer.store.bytes('election-cert').get('current')
  if (bytes === undefined) return false
  try {
    const cert = verifyCertificate(bytes, peer.roster.roster).payload
    return cert.winner === memberId && cert.term > peer.roster.roster.adminTerm
  } catch {
    return false
  }
}
