// Election, custody and key rotation calls.
import { BzzzError } from '../../../src-shared/errors.ts'
import type { NonAdminRole } from '../membership/roster.ts'
import type { Peer } from '../peer.ts'
import type { HandlerTable } from './types.ts'

function running<T>(peer: Peer, pick: (p: Peer) => T | undefined, what: string): T {
  const svc = pick(peer)
  if (svc === undefined) throw new BzzzError('unavailable', `${what} needs the peer's network; start the peer first`)
  return svc
}

export const governanceHandlers = {
  'election.status': async (_args, { peer }) => running(peer, (p) => p.election, 'the election').status(),
  'election.trigger': async (_args, { peer }) => ({ term: await running(peer, (p) => p.election, 'the election').trigger() }),
  'custody.status': async (_args, { peer }) => running(peer, (p) => p.custody, 'custody').status(),
  'custody.approve': async (args, { peer }) => {
    await running(peer, (p) => p.custody, 'custody').approve(args.requestId)
    return { done: true as const }
  },
  'custody.deny': async (args, { peer }) => {
    await running(peer, (p) => p.custody, 'custody').deny(args.requestId, args.reason)
    return { done: true as const }
  },
  'custody.assign': async (args, { peer }) => peer.membership.assignCustodians(args.members),
  'keys.rotate': async (args, { peer }) => {
    return args.key === 'admin' ? peer.membership.rotateAdmin() : peer.membership.rotate(args.key as NonAdminRole)
  },
} satisfies HandlerTable
