// After the admin key is rebuilt (or the winner already held it): store it, open the keyring to take over the role
// keys, and issue the roster that names this member admin for the new term.
import { toBase64 } from '../crypto/encoding.ts'
import { decodeEnvelope } from '../crypto/envelope.ts'
import { adminKeyFromSecret } from '../crypto/admin-key.ts'
import { openKeyring } from '../membership/keyring.ts'
import type { NetworkRuntime } from '../network/runtime.ts'
import type { Peer } from '../peer.ts'
import { keyringKey } from '../records/keys.ts'

export async function onKeyRecovered(peer: Peer, net: NetworkRuntime, term: number, secret: Uint8Array): Promise<void> {
  const roster = peer.roster.roster
  const admin = adminKeyFromSecret(secret)
  const key = keyringKey(roster.network.id)
  const bytes = (await peer.records.get(key)) ?? (await net.getRecord(key))
  const roleKeys = bytes === undefined ? [] : await openKeyring(peer.validator.keyring(decodeEnvelope(bytes)).payload, admin.age)
  await peer.vaultHandle.update((v) => {
    const known = new Set(v.roleKeys.map((k) => k.keyId))
    return { ...v, adminSecret: toBase64(secret), roleKeys: [...v.roleKeys, ...roleKeys.filter((k) => !known.has(k.keyId))] }
  })
  peer.refreshSession()
  await peer.membership.takeSeat(term)
  peer.log('info', 'acting as admin', { term, roleKeys: roleKeys.length })
}
