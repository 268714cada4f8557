// An admin key rotation writes the new secret to the vault before the roster that names the new key (the roster
// must never name a key nobody holds), so a kill in between would leave the admin holding only a key the network
// does not trust: the old one gone, no roster it can sign, yet still heartbeating as leader. The vault therefore
// keeps the previous secret until that roster is committed, and at unlock whichever one the roster names wins.
import { matchesAdminPublic } from '../crypto/admin-key.ts'
import { fromBase64 } from '../crypto/encoding.ts'
import type { Vault } from '../vault/vault.ts'
import type { VaultContents } from '../vault/contents.ts'
import type { Roster } from './roster.ts'

/** The vault after an interrupted (or completed) rotation, squared with the roster; undefined when nothing changes. */
function reconciled(v: VaultContents, roster: Roster): VaultContents | undefined {
  if (v.previousAdminSecret === undefined) return undefined
  const { previousAdminSecret: previous, ...rest } = v
  const named = (secret: string | undefined) => secret !== undefined && matchesAdminPublic(fromBase64(secret), roster.admin)
  // The roster never named the new key: the rotation did not happen; take the old secret back.
  if (!named(v.adminSecret) && named(previous)) return { ...rest, adminSecret: previous }
  // Committed (or this member no longer holds the seat): the old secret has no use left.
  return rest
}

/** Squares an unlocked vault with the roster; returns true when it changed. */
export async function reconcileAdminRotation(vault: Vault, roster: Roster): Promise<boolean> {
  if (reconciled(vault.contents, roster) === undefined) return false
  await vault.update((v) => reconciled(v, roster) ?? v)
  return true
}
