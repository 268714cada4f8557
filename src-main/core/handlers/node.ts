// Node, onboarding and vault calls.
import type { HandlerTable } from './types.ts'

export const nodeHandlers = {
  'node.status': async (_args, { peer }) => peer.status(),
  'network.create': async (args, { peer }) => {
    await peer.createNetwork(args)
    return peer.status()
  },
  'vault.unlock': async (args, { peer }) => {
    await peer.unlock(args.passphrase)
    return peer.status()
  },
  'vault.lock': async (_args, { peer }) => {
    peer.lockVault()
    return peer.status()
  },
} satisfies HandlerTable
