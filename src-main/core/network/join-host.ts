// The join protocol on the admin's peer: a joiner (not a member yet, so the inbound guard lets it reach nothing else)
// presents its invite and a request signed with its new key; the admin admits it and answers with the roster, its
// key envelope and where the other members are. A request that does not decode or verify counts against its sender.
import { BzzzError, toErrorBody } from '../../../src-shared/errors.ts'
import { utf8 } from '../crypto/encoding.ts'
import type { Logger } from '../peer.ts'
import type { NetworkNode } from './node.ts'
import { serve } from './rpc.ts'

export interface JoinHost {
  node: NetworkNode
  protocol: string
  isAdminHere: () => boolean
  admit: (request: Uint8Array, remotePeer: string) => Promise<{ roster: Uint8Array; keys: Uint8Array }>
  isMember: (peerId: string) => boolean
  onRefused: (remotePeer: string, err: unknown) => void
  log: Logger
}

export async function serveJoins(host: JoinHost): Promise<void> {
  const { node, log } = host
  await serve(
    node,
    host.protocol,
    async (body, remote) => {
      try {
        if (!host.isAdminHere()) throw new BzzzError('unavailable', 'this peer is not the admin; joins are handled by the admin peer')
        const r = await host.admit(body, remote)
        // Where the other members are, so the new member is not stranded if this peer goes away.
        const peers = await Promise.all(
          node
            .getPeers()
            .filter((p) => p.toString() !== remote && host.isMember(p.toString()))
            .slice(0, 32)
            .map(async (p) => ({ peerId: p.toString(), addrs: (await node.peerStore.get(p).catch(() => undefined))?.addresses.map((a) => a.multiaddr.toString()).slice(0, 8) ?? [] })),
        )
        return utf8.encode(JSON.stringify({ ok: true, roster: Buffer.from(r.roster).toString('base64'), keys: Buffer.from(r.keys).toString('base64'), peers }))
      } catch (err) {
        host.onRefused(remote, err)
        const error = err instanceof BzzzError ? err.toBody() : toErrorBody(err)
        log('warn', 'join refused', { from: remote, error: error.message })
        return utf8.encode(JSON.stringify({ ok: false, error }))
      }
    },
    { timeoutMs: 30_000, maxBytes: 64 * 1024, onError: (err) => log('warn', 'join stream failed', { error: String(err) }) },
  )
}
