// The joiner's side: with an invite code, create this member's identity, reach the admin peer, present the invite
// and a request signed with the new key, and receive the roster and this member's keys.
import { z } from 'zod'
import { BzzzError, errorSchema } from '../../../src-shared/errors.ts'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { LevelDatastore } from 'datastore-level'
import { ageDecrypt, NativeX25519Identity } from '../crypto/age.ts'
import { fromBase64, toBase64, utf8 } from '../crypto/encoding.ts'
import { decodeEnvelope, encodeEnvelope, signEnvelope, verifyEnvelope, type Envelope } from '../crypto/envelope.ts'
import { signingKeyId } from '../crypto/signing.ts'
import { MembershipGate } from '../network/gate.ts'
import { createNetworkNode, protocolNames } from '../network/node.ts'
import { loadOrCreatePeerKey } from '../network/peer-key.ts'
import { request } from '../network/rpc.ts'
import type { Store } from '../store/store.ts'
import type { VaultContents } from '../vault/contents.ts'
import { decodeInvite } from './invite.ts'
import { generateMemberKeys, publicSigningKey, type MemberKeys } from './identity.ts'
import { ADMIN_AUTHOR, verifyRoster, type Roster } from './roster.ts'
import { keyEnvelopeSchema, type KeyEnvelopePayload } from '../records/schemas.ts'

const responseSchema = z.union([
  z.object({ ok: z.literal(true), roster: z.string(), keys: z.string(), peers: z.array(z.object({ peerId: z.string(), addrs: z.array(z.string()).max(8) }).strict()).max(64).default([]) }).strict(),
  z.object({ ok: z.literal(false), error: errorSchema }).strict(),
])

export interface JoinOutcome {
  /** Other members and where the admin saw them: the new peer's first dial candidates besides the admin. */
  peers: { peerId: string; addrs: string[] }[]
  vault: VaultContents
  roster: Envelope<Roster>
  rosterBytes: Uint8Array
  keys: Envelope<KeyEnvelopePayload>
  keysBytes: Uint8Array
}

/**
 * `member` are the new member's keys: kept by the caller from before the request leaves (pending-join.ts), so a retry
 * after a lost answer sends the same request and the admin answers it again.
 */
export async function joinWithInvite(opts: { dataDir: string; store: Store; invite: string; memberName: string; member?: MemberKeys; timeoutMs?: number }): Promise<JoinOutcome> {
  const { payload: invite } = decodeInvite(opts.invite)
  const names = protocolNames(invite.network.id)
  const member = opts.member ?? generateMemberKeys()
  const privateKey = await loadOrCreatePeerKey(opts.dataDir)
  const peerId = peerIdFromPrivateKey(privateKey).toString()
  const request_ = signEnvelope(
    { kind: 'join_request', net: invite.network.id, author: opts.memberName, seq: 0, payload: { invite: opts.invite.trim(), name: opts.memberName, signingKey: publicSigningKey(member), ageRecipient: member.ageRecipient, peerId }, ttlMs: 10 * 60_000 },
    member.signing,
  )
  // A short-lived node that only dials the admin. It accepts no one and serves nothing but what libp2p needs.
  const node = await createNetworkNode({
    networkId: invite.network.id,
    privateKey,
    listen: [],
    bootstrap: [],
    dials: invite.bootstrap,
    mdns: false,
    relay: false,
    datastore: new LevelDatastore(opts.store.db.sublevel('libp2p-join', { valueEncoding: 'view' }) as never),
    connectionGater: new MembershipGate(() => true).gater(),
    validators: { bzzz: async () => undefined },
    selectors: { bzzz: () => 0 },
    lan: true,
    maxMessageBytes: 64 * 1024,
  })
  await node.start()
  let reply: Uint8Array | undefined
  let lastError: unknown
  /** The admin address that answered: the new member dials it first (it is not in the admin's list of others). */
  let answered: string | undefined
  try {
    for (const addr of invite.bootstrap) {
      try {
        reply = await requestJoin(() => request(node, multiaddr(addr), names.join, encodeEnvelope(request_), { timeoutMs: opts.timeoutMs ?? 20_000 }))
        answered = addr
        break
      } catch (err) {
        lastError = err
      }
    }
  } finally {
    await node.stop()
  }
  if (reply === undefined) {
    throw new BzzzError('unavailable', `cannot reach the admin peer at ${invite.bootstrap.join(', ')} (${lastError instanceof Error ? lastError.message : 'no answer'}); make sure it is running and reachable, then try again`)
  }
  const parsed = responseSchema.safeParse(JSON.parse(utf8.decode(reply)))
  if (!parsed.success) throw new BzzzError('unavailable', 'the admin peer answered with something that is not a join response')
  if (!parsed.data.ok) throw new BzzzError(parsed.data.error.code, `the admin refused the join: ${parsed.data.error.message}`)

  const anchor = { networkId: invite.network.id, adminSigningKey: invite.adminSigningKey }
  const rosterBytes = fromBase64(parsed.data.roster)
  const roster = verifyRoster(decodeEnvelope(rosterBytes), anchor)
  const me = roster.payload.members.find((m) => m.id === opts.memberName)
  if (me === undefined || me.signingKey !== publicSigningKey(member) || !me.peerIds.includes(peerId)) throw new BzzzError('unavailable', 'the roster the admin returned does not list this member')
  const keysBytes = fromBase64(parsed.data.keys)
  const adminKey = fromBase64(invite.adminSigningKey)
  const keysEnv = verifyEnvelope(decodeEnvelope(keysBytes), { net: invite.network.id, kinds: ['key_envelope'], resolveKey: (a, k) => (a === ADMIN_AUTHOR && k === signingKeyId(adminKey) ? adminKey : undefined) })
  const keys = keyEnvelopeSchema.parse(keysEnv.payload)
  const opener = new NativeX25519Identity(member.ageIdentity)
  const openSealed = async (sealed: string) => {
    const r = await ageDecrypt(fromBase64(sealed), [opener])
    if (r === null) throw new BzzzError('unavailable', 'the keys the admin returned do not open with this member\'s key')
    return utf8.decode(r.plaintext)
  }
  const now = Date.now()
  const vault: VaultContents = {
    version: 1,
    member: { id: opts.memberName, name: opts.memberName, role: me.role, signingSeed: toBase64(member.signing.seed), ageIdentity: member.ageIdentity },
    network: { id: invite.network.id, name: invite.network.name, admin: { signingKey: invite.adminSigningKey, recipient: roster.payload.admin.recipient }, createdAt: now },
    roleKeys: await Promise.all(keys.keys.map(async (k) => ({ role: k.role, keyId: k.keyId, identity: await openSealed(k.sealed), createdAt: k.createdAt, ...(k.retired ? { retiredAt: now } : {}) }))),
    ...(keys.share === undefined ? {} : { custody: { epoch: keys.share.epoch, index: keys.share.index, share: await openSealed(keys.share.sealed) } }),
  }
  const memberPeers = new Set(roster.payload.members.flatMap((m) => m.peerIds))
  const adminPeerId = answered === undefined ? undefined : /\/p2p\/([^/]+)$/.exec(answered)?.[1]
  const adminEntry = adminPeerId !== undefined && memberPeers.has(adminPeerId) ? [{ peerId: adminPeerId, addrs: invite.bootstrap.filter((a) => a.endsWith(`/p2p/${adminPeerId}`)).map((a) => a.slice(0, -`/p2p/${adminPeerId}`.length)).slice(0, 8) }] : []
  return { peers: [...adminEntry, ...parsed.data.peers.filter((p) => memberPeers.has(p.peerId) && p.peerId !== adminPeerId)], vault, roster, rosterBytes, keys: { ...keysEnv, payload: keys }, keysBytes }
}

/**
 * One join request, asked again (up to three times, a second or two apart) while the admin says it is between terms:
 * an election can be under way at the moment a member joins; the seated admin answers once it is settled.
 */
async function requestJoin(send: () => Promise<Uint8Array>): Promise<Uint8Array> {
  for (let attempt = 0; ; attempt++) {
    const reply = await send()
    const text = utf8.decode(reply)
    if (attempt >= 3 || !/not the sitting admin|not the admin/.test(text)) return reply
    await new Promise((r) => setTimeout(r, 1000 + attempt * 1000))
  }
}
