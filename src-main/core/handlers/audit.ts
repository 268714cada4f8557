// The audit log through the contract. The matrix gives debug_access; a backend developer's cell is 'partial' (this
// peer's own connections and gossip mesh), and the audit trail is not part of it: it is the network's security record
// (who published, who was denied, who was added, removed or rotated, failed unlocks, configuration changes), so
// architects and the admin read it, a backend developer and an observer do not.
import { BzzzError } from '../../../src-shared/errors.ts'
import { may } from '../../../src-shared/roles.ts'
import type { Peer } from '../peer.ts'
import type { HandlerTable } from './types.ts'

function mayReadAudit(peer: Peer): void {
  const answer = may(peer.session.role, 'debug_access', { debugTool: 'audit_log' })
  if (!answer.allowed) throw new BzzzError('forbidden', answer.reason)
}

export const auditHandlers = {
  'audit.list': async (args, { peer }) => {
    mayReadAudit(peer)
    return { entries: await peer.audit.list(args.after ?? -1, args.limit, args.newest ?? false) }
  },
  'audit.verify': async (_args, { peer }) => {
    mayReadAudit(peer)
    return peer.audit.verify()
  },
} satisfies HandlerTable
