// Shared by the network rows (bench/network.ts) and their memory probe (bench/network-memory.ts): the 10-peer
// network and the decision published.
import type { Role } from '../../src-shared/roles.ts'
import { createTestNetwork, waitFor, type TestNetwork } from '../../test/helpers/network.ts'

export { KB, MB, sleep } from './memory.ts'

/** Admin + these 9 members = 10 peers. Members[0] publishes, members[1] reads from the DHT, members[3] locally. */
export const MEMBERS: Exclude<Role, 'admin'>[] = ['architect', 'architect', 'architect', 'backend_dev', 'backend_dev', 'backend_dev', 'observer', 'observer', 'observer']
export const PEERS = MEMBERS.length + 1

/** A realistic decision: an ADR of about 1 KB, addressed to observers (so sealed to all 4 role keys). */
export function decisionInput(i: number) {
  const body = [
    '## Context',
    `Service ${i} needs durable, ordered delivery of domain events to several consumers; today it polls the database.`,
    '## Decision',
    'Publish domain events to a NATS JetStream stream per bounded context, with at-least-once delivery and idempotent consumers keyed by event id.',
    '## Consequences',
    'Consumers must tolerate redelivery. Ops gains one more cluster to run. Replays become possible from the stream retention window.',
  ].join('\n')
  return {
    type: 'architectural' as const,
    title: `Event delivery for service ${i}`,
    body: `${body}\nNotes: ${'x'.repeat(Math.max(0, 1024 - body.length - 8))}`,
    audience: 'observer' as const,
    project: 'bench',
    task: `service-${Math.abs(i) % 20}`,
    tags: ['events', 'messaging'],
  }
}

/**
 * The network, built with createTestNetwork under `root` (its temporary directory goes there, so removing `root`
 * removes everything). Members are added one by one after `onNet` has the network (the admin alone, started), so a
 * failure half-way still lets the caller close every peer started so far. Catch-up and republishing are pushed out of
 * the measurement.
 */
export async function openNetwork(root: string, onNet: (net: TestNetwork) => void | Promise<void>): Promise<TestNetwork> {
  const saved = process.env.TMPDIR
  process.env.TMPDIR = root
  let pending: Promise<TestNetwork>
  try {
    pending = createTestNetwork([], { transport: 'tcp', settings: { catchUpIntervalMs: 3600_000, republishIntervalMs: 3600_000 } })
  } finally {
    if (saved === undefined) delete process.env.TMPDIR
    else process.env.TMPDIR = saved
  }
  const net = await pending
  await onNet(net)
  for (const role of MEMBERS) await net.add(role)
  const lastSeq = net.admin.roster.roster.seq
  await waitFor('rosters to converge', () => net.all.every((p) => p.roster.roster.seq === lastSeq), 30_000)
  await waitFor('gossip meshes to form', () => net.all.every((p) => (p.network?.gossip.subscribers(p.network.names.topics.decisions) ?? 0) >= 1), 30_000)
  return net
}
