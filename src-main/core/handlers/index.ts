// Every domain's handlers, merged into the one table the transports dispatch to.
import { cryptoHandlers } from './crypto.ts'
import { decisionHandlers } from './decisions.ts'
import { memberHandlers } from './members.ts'
import { nodeHandlers } from './node.ts'
import type { HandlerTable } from './types.ts'

export const handlers: HandlerTable = {
  ...nodeHandlers,
  ...cryptoHandlers,
  ...decisionHandlers,
  ...memberHandlers,
}
