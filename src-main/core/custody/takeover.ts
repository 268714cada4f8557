// After the admin key is rebuilt (or the winner already held it): store it, open the keyring to take over the role
// keys, and issue the roster that names this member admin for the new term.
import { toBase64 } from '../crypto/encoding.ts'
import { decodeEnvelope } from '../crypto/envelope.ts'
import { adminKeyFromSecret } from '../crypto/admin-key.ts'
import { failpoint } from '../failpoints.ts'
import { openKeyring } from '../membership/keyring.ts'
import type { NetworkRuntime } from '../network/runtime.ts'
import type { Peer } from '../peer.ts'
import { keyringKey } from '../records/keys.ts'

const pending = new WeakMap<Peer, Promise<Uint8Array | undefined>>()

/** The keyring is usually only in the DHT (the previous admin wrote it); a local copy, when there is one, is as new. */
function fetchKeyring(peer: Peer, net: NetworkRuntime): Promise<Uint8Array | undefined> {
  const key = keyringKey(peer.roster.roster.network.id)
  return peer.records.get(key).then((local) => local ?? net.getRecord(key))
}

/** Starts fetching the keyring as soon as recovery starts, so taking the seat does not wait for a DHT query. */
export function prefetchKeyring(peer: Peer, net: NetworkRuntime): void {
  const p = fetchKeyring(peer, net)
  p.catch(() => undefined)
  pending.set(peer, p)
}

export async function onKeyRecovered(peer: Peer, net: NetworkRuntime, term: number, secret: Uint8Array): Promise<void> {
  const admin = adminKeyFromSecret(secret)
  const bytes = await (pending.get(peer) ?? fetchKeyring(peer, net))
  pending.delete(peer)
  const roleKeys = bytes === undefined ? [] : await openKeyring(peer.validator.keyring(decodeEnvelope(bytes)).payload, admin.age)
  await peer.vaultHandle.update((v) => {
    const known = new Set(v.roleKeys.map((k) => k.keyId))
    return { ...v, adminSecret: toBase64(secret), roleKeys: [...v.roleKeys, ...roleKeys.filter((k) => !known.has(k.keyId))] }
  })
  peer.refreshSession()
  failpoint('custody.takeover.after-vault', { term })
  await peer.membership.takeSeat(term)
  peer.log('info', 'acting as admin', { term, roleKeys: roleKeys.length })
}
