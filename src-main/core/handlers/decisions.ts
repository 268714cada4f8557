// Decision calls.
import type { HandlerTable } from './types.ts'

export const decisionHandlers = {
  'decisions.publish': async (args, { peer }) => peer.decisions.publish(args),
  'decisions.get': async (args, { peer }) => peer.decisions.get(args.address),
  'decisions.list': async (args, { peer }) => peer.decisions.list(args),
  'decisions.history': async (args, { peer }) => peer.decisions.history(args.address),
} satisfies HandlerTable
