// A member's side of key distribution: when the roster names a role key or a custody epoch this vault does not
// hold, fetch the member's key envelope, open each key with the member's own age identity, and store it.
import { BzzzError } from '../../../src-shared/errors.ts'
import { ageDecrypt } from '../crypto/age.ts'
import { fromBase64, utf8 } from '../crypto/encoding.ts'
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
  return slot !== undefined && session.share?.epoch !== roster.custody.epoch
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
  if (share !== undefined && (custody === undefined || custody.epoch < share.epoch)) custody = { epoch: share.epoch, index: share.index, share: await open(peer, share.sealed) }
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
  const dropKey = me.role !== 'admin' && session.admin !== undefined
  if (me.role === session.role && !dropKey) return false
  await peer.vaultHandle.update((v) => {
    const { adminSecret: _dropped, ...rest } = v
    return { ...(dropKey ? rest : v), member: { ...v.member, role: me.role } }
  })
  peer.refreshSession()
  peer.log('info', 'role changed by the roster', { role: me.role, droppedAdminKey: dropKey })
  return true
}
