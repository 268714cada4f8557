// Structured logs: one JSON line per event (pino). Messages and fields never carry secrets or decision content:
// callers pass addresses, ids and counts, never titles, bodies, keys or passphrases.
import pino from 'pino'
import type { EventMessage } from '../../src-shared/contract/events.ts'
import type { Logger, LogLevel } from './peer.ts'

/** A logger whose level can change while the peer runs (config.set logLevel). */
export type LevelledLogger = Logger & { setLevel(level: LogLevel | 'trace'): void }

export function createLogger(level: LogLevel | 'trace' = 'info', destination: NodeJS.WritableStream = process.stdout): LevelledLogger {
  const log = pino({ level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime, formatters: { level: (label) => ({ level: label }) } }, destination as pino.DestinationStream)
  const logger: Logger = (lvl, message, fields) => log[lvl](fields ?? {}, message)
  return Object.assign(logger, { setLevel: (next: LogLevel | 'trace') => void (log.level = next) })
}

/** What of an event goes into the log: identifiers, never titles or content. */
export function eventLogFields(message: EventMessage): Record<string, unknown> {
  const p = message.payload as Record<string, unknown>
  switch (message.type) {
    case 'decision.published': {
      const h = (p as { header: { address: string; type: string; audience: string; author: string } }).header
      return { event: message.type, address: h.address, type: h.type, audience: h.audience, author: h.author, local: p.local }
    }
    case 'node.status':
      return { event: message.type, state: p.state, vault: p.vault, peers: p.connectedPeers }
    case 'peer.joined':
      return { event: message.type, peer: p.peerId, member: p.memberId }
    default:
      return { event: message.type, ...p }
  }
}
