// Exporting a role's age identity, for backup and for interop with other age tools. Key management: admin only.
import { BzzzError } from '../../../src-shared/errors.ts'
import { may, type Role } from '../../../src-shared/roles.ts'
import type { Peer } from '../peer.ts'

export function exportRoleIdentity(peer: Peer, role: Role): string {
  const session = peer.session
  const answer = may(session.role, 'key_management')
  if (!answer.allowed) throw new BzzzError('forbidden', `${answer.reason}; to back up your own keys use 'bzzz backup'`)
  const key = session.roleIdentities.find((k) => k.role === role && !k.retired)
  if (key === undefined) throw new BzzzError('not_found', `this vault holds no current ${role} key`)
  const vaultKey = role === 'admin' ? session.admin?.ageIdentity : peer.vaultHandle.contents.roleKeys.find((k) => k.keyId === key.keyId)?.identity
  if (vaultKey === undefined) throw new BzzzError('not_found', `this vault holds no current ${role} key`)
  return `# bzzz ${role} key for network ${session.networkName} (${session.networkId})\n# key id: ${key.keyId}\n# public key: ${key.identity.recipient}\n${vaultKey}\n`
}
