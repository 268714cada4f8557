// bzzz debug connections | gossip | routing | dht KEY: read-only diagnostics of a running peer, through its API.
// The matrix decides: architects and the admin everything (dht needs raw DHT access: admin), a backend developer
// connections and the gossip mesh.
import type { Command } from 'commander'
import type { CallOutput } from '../../../src-shared/contract/calls.ts'
import { clientFor, type ClientOptions } from '../client.ts'
import { writeStdout } from '../io.ts'

const withClient = (cmd: Command) => cmd.option('--api <url>', 'peer API URL (instead of --data-dir)').option('--token-file <file>', 'API token file (with --api)').option('--json', 'print JSON')

type Opts = ClientOptions & { json?: boolean }

async function print(opts: Opts, data: unknown, human: () => string): Promise<void> {
  await writeStdout(opts.json ? `${JSON.stringify(data, null, 2)}\n` : human())
}

function connections(out: CallOutput<'debug.connections'>): string {
  if (out.connections.length === 0) return 'no open connections\n'
  return out.connections.map((c) => `${(c.memberId ?? '?').padEnd(16)} ${c.direction.padEnd(8)} ${c.addr}\n  ${c.peerId}\n  streams: ${c.streams.length === 0 ? 'none' : c.streams.join(', ')}\n`).join('')
}

function gossip(out: CallOutput<'debug.gossip'>): string {
  if (out.topics.length === 0) return 'subscribed to no topics\n'
  return out.topics.map((t) => `${t.topic}\n  subscribers: ${t.subscribers}, mesh: ${t.mesh.length}${t.mesh.map((p) => `\n    ${p}`).join('')}\n`).join('')
}

function routing(out: CallOutput<'debug.routing'>): string {
  const head = `k-bucket size ${out.kBucketSize}; ${out.peers.length} peer${out.peers.length === 1 ? '' : 's'} in the routing table (closest first; XOR distance)\n`
  return head + out.peers.map((p) => `  ${p.distance.slice(0, 16)}…  ${(p.memberId ?? '?').padEnd(16)} ${p.peerId}\n`).join('')
}

function record(out: CallOutput<'debug.dhtGet'>): string {
  if (!out.found) return `no record under ${out.key}: neither the DHT nor this peer holds one\n`
  const lines = [`${out.key}`, `  found in: ${out.source === 'dht' ? 'the DHT' : "this peer's store (not in the DHT)"}`, `  kind: ${out.kind ?? '?'}`, `  author: ${out.author ?? '?'}`, `  size: ${out.bytes ?? '?'} bytes`]
  lines.push(out.valid ? '  valid: yes (signature, signer and schema check out)' : `  valid: NO: ${out.reason ?? 'unknown reason'}`)
  return `${lines.join('\n')}\n`
}

export function registerDebug(program: Command): void {
  const debug = program.command('debug').description('read-only diagnostics of a running peer (roles: see the permission matrix)')
  withClient(debug.command('connections'))
    .description('open connections with their streams and protocols')
    .action(async (opts: Opts) => {
      const out = await (await clientFor(opts)).call('debug.connections', {})
      await print(opts, out, () => connections(out))
    })
  withClient(debug.command('gossip'))
    .description('gossipsub mesh peers and subscriber counts per topic')
    .action(async (opts: Opts) => {
      const out = await (await clientFor(opts)).call('debug.gossip', {})
      await print(opts, out, () => gossip(out))
    })
  withClient(debug.command('routing'))
    .description('the Kademlia routing table with XOR distances (architect, admin)')
    .action(async (opts: Opts) => {
      const out = await (await clientFor(opts)).call('debug.routing', {})
      await print(opts, out, () => routing(out))
    })
  withClient(debug.command('dht <key>'))
    .description('look up a raw DHT record by key (/bzzz/NETWORK/...): kind, author, size, validity; never its content (admin)')
    .action(async (key: string, opts: Opts) => {
      const out = await (await clientFor(opts)).call('debug.dhtGet', { key })
      await print(opts, out, () => record(out))
    })
}
