// Every domain's handlers, merged into the one table the transports dispatch to.
import { auditHandlers } from './audit.ts'
import { configHandlers } from './config.ts'
import { cryptoHandlers } from './crypto.ts'
import { debugHandlers } from './debug.ts'
import { decisionHandlers } from './decisions.ts'
import { governanceHandlers } from './governance.ts'
import { memberHandlers } from './members.ts'
import { nodeHandlers } from './node.ts'
import type { HandlerTable } from './types.ts'

export const handlers: HandlerTable = {
  ...nodeHandlers,
  ...cryptoHandlers,
  ...decisionHandlers,
  ...governanceHandlers,
  ...memberHandlers,
  ...auditHandlers,
  ...configHandlers,
  ...debugHandlers,
}
