// Peers, members, invites and joins.
import type { NonAdminRole } from '../membership/roster.ts'
import type { HandlerTable } from './types.ts'

export const memberHandlers = {
  'peers.list': async (_args, { peer }) => ({ peers: peer.peers() }),
  'members.list': async (_args, { peer }) => {
    const roster = peer.roster.roster
    return { seq: roster.seq, members: roster.members }
  },
  'members.invite': async (args, { peer }) => peer.membership.invite(args.role as NonAdminRole, args.ttlSeconds),
  'members.remove': async (args, { peer }) => peer.membership.remove(args.memberId),
  'network.join': async (args, { peer }) => {
    await peer.joinNetwork(args)
    return peer.status()
  },
} satisfies HandlerTable
