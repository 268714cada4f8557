// The configuration through the contract. Reading is for every member (settings hold no secrets); changing a key needs
// system_configuration for the key's class: team settings (replicas, cache, logLevel) for an architect ('partial'),
// everything for the admin. The change is validated, written to DIR/config.json, applied where it can be at runtime
// and audited with its key.
import { configKeyClass } from '../../../src-shared/config.ts'
import { BzzzError } from '../../../src-shared/errors.ts'
import { may } from '../../../src-shared/roles.ts'
import { parseKey } from '../config/keys.ts'
import { auditConfigChange } from '../config/manager.ts'
import type { HandlerTable } from './types.ts'

export const configHandlers = {
  'config.get': async (_args, { peer }) => peer.config,
  'config.set': async (args, { peer, transport }) => {
    const session = peer.session
    const key = parseKey(args.key).join('.')
    const answer = may(session.role, 'system_configuration', { settingClass: configKeyClass(key) })
    if (!answer.allowed) throw new BzzzError('forbidden', answer.reason)
    const change = await peer.configManager.set(key, args.value)
    await auditConfigChange(peer.audit, change, session.memberId, transport)
    peer.log('info', 'config changed', { key: change.key, restartRequired: change.restartRequired, overridden: change.overridden, by: session.memberId })
    return { key: change.key, config: change.config, restartRequired: change.restartRequired, overridden: change.overridden }
  },
} satisfies HandlerTable
