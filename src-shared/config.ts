// The peer's typed configuration. Every key has a class: 'security' keys need admin, 'team' keys an architect too.
import { z } from 'zod'

const multiaddr = z.string().regex(/^\/(ip4|ip6|dns|dns4|dns6|memory|p2p)\//, 'expected a multiaddr such as /ip4/0.0.0.0/tcp/4001')

export const configSchema = z
  .object({
    listen: z.array(multiaddr).default(['/ip4/0.0.0.0/tcp/0']),
    bootstrap: z.array(multiaddr).default([]),
    mdns: z.boolean().default(true),
    /** Serve as a circuit-relay v2 hop for peers that cannot reach each other directly. */
    relay: z.boolean().default(false),
    api: z
      .object({
        host: z.string().default('127.0.0.1'),
        port: z.number().int().min(0).max(65535).default(0),
      })
      .strict()
      .default({ host: '127.0.0.1', port: 0 }),
    replicas: z.number().int().min(1).max(20).default(3),
    cache: z
      .object({ entries: z.number().int().min(0).max(100_000).default(1000), ttlSeconds: z.number().int().min(1).default(300) })
      .strict()
      .default({ entries: 1000, ttlSeconds: 300 }),
    rateLimits: z
      .object({
        decisionsPerMinute: z.number().int().min(1).default(100),
        cryptoPerMinute: z.number().int().min(1).default(50),
        adminPerMinute: z.number().int().min(1).default(10),
      })
      .strict()
      .default({ decisionsPerMinute: 100, cryptoPerMinute: 50, adminPerMinute: 10 }),
    custody: z
      .object({ policy: z.enum(['auto', 'ask']).default('auto') })
      .strict()
      .default({ policy: 'auto' }),
    rotation: z
      .object({ adminKeyDays: z.number().int().min(1).default(30), roleKeyDays: z.number().int().min(1).default(90) })
      .strict()
      .default({ adminKeyDays: 30, roleKeyDays: 90 }),
    election: z
      .object({
        heartbeatMs: z.number().int().min(50).default(1000),
        electionTimeoutMs: z.number().int().min(200).default(5000),
      })
      .strict()
      .default({ heartbeatMs: 1000, electionTimeoutMs: 5000 }),
    /** How often a peer asks the others for what it may have missed, and re-publishes its own records to the DHT. */
    sync: z
      .object({
        catchUpSeconds: z.number().int().min(5).max(86_400).default(300),
        /** A periodic catch-up reads every member's log (not only those its hints name) at most this often. */
        fullSweepMinutes: z.number().int().min(1).max(10_080).default(30),
        republishHours: z.number().int().min(1).max(168).default(12),
      })
      .strict()
      .default({ catchUpSeconds: 300, fullSweepMinutes: 30, republishHours: 12 }),
    logLevel: z.enum(['trace', 'debug', 'info', 'warn', 'error']).default('info'),
  })
  .strict()

export type Config = z.output<typeof configSchema>
export type ConfigInput = z.input<typeof configSchema>

/** Top-level keys an architect may change ("partial" system configuration); everything else is security. */
export const TEAM_CONFIG_KEYS: ReadonlySet<string> = new Set(['replicas', 'cache', 'logLevel'])

export function configKeyClass(key: string): 'team' | 'security' {
  return TEAM_CONFIG_KEYS.has(key.split('.')[0] ?? '') ? 'team' : 'security'
}
