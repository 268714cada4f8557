// Who may connect. Peers of the network are the roster's members (by libp2p peer id); everyone else is refused,
// except where this peer hosts joins (the admin) or is itself joining. Peers banned for misbehaviour
// (misbehaviour.ts) are refused like removed members until their ban ends. Tests use the same gate for deterministic
// fault injection: partitions (blocked peers) and "relay only" (direct connections refused).
import type { ConnectionGater, MultiaddrConnection, PeerId } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

function isRelayed(addr: Multiaddr | undefined): boolean {
  return addr !== undefined && addr.toString().includes('/p2p-circuit')
}

export class MembershipGate {
  private readonly blocked = new Set<string>()
  private readonly relayOnly = new Set<string>()

  private readonly isMember: (peerId: string) => boolean
  /** Accept peers that are not members yet (join host or joiner). Unknown peers still only reach the join protocol. */
  private readonly allowUnknown: () => boolean
  private readonly isRevoked: (peerId: string) => boolean
  private readonly isBanned: (peerId: string) => boolean

  constructor(
    isMember: (peerId: string) => boolean,
    allowUnknown: () => boolean = () => false,
    isRevoked: (peerId: string) => boolean = () => false,
    isBanned: (peerId: string) => boolean = () => false,
  ) {
    this.isMember = isMember
    this.allowUnknown = allowUnknown
    this.isRevoked = isRevoked
    this.isBanned = isBanned
  }

  allowed(peerId: string): boolean {
    if (this.blocked.has(peerId) || this.isRevoked(peerId) || this.isBanned(peerId)) return false
    return this.isMember(peerId) || this.allowUnknown()
  }

  /** Fault injection: refuse every connection to or from this peer until unblocked. */
  block(peerId: string): void {
    this.blocked.add(peerId)
  }

  unblock(peerId: string): void {
    this.blocked.delete(peerId)
  }

  /** Refuse direct connections with this peer; relayed ones still pass. */
  requireRelay(peerId: string): void {
    this.relayOnly.add(peerId)
  }

  /** Relaying is for members; fault injection (blocked peers) does not apply, so tests can route around it. */
  private relayable(peerId: string): boolean {
    return this.isMember(peerId) && !this.isBanned(peerId)
  }

  private directRefused(peerId: string, addr: Multiaddr | undefined): boolean {
    return this.relayOnly.has(peerId) && !isRelayed(addr)
  }

  gater(): ConnectionGater {
    return {
      denyDialPeer: (peerId: PeerId) => !this.allowed(peerId.toString()),
      denyDialMultiaddr: (addr: Multiaddr) => {
        const target = addr.getComponents().findLast((c) => c.name === 'p2p')?.value
        return target !== undefined && this.directRefused(target, addr)
      },
      denyInboundEncryptedConnection: (peerId: PeerId, conn: MultiaddrConnection) =>
        !this.allowed(peerId.toString()) || this.directRefused(peerId.toString(), conn.remoteAddr),
      denyOutboundEncryptedConnection: (peerId: PeerId, conn: MultiaddrConnection) =>
        !this.allowed(peerId.toString()) || this.directRefused(peerId.toString(), conn.remoteAddr),
      denyInboundRelayReservation: (source: PeerId) => !this.relayable(source.toString()),
      denyOutboundRelayedConnection: (source: PeerId, destination: PeerId) => !this.relayable(source.toString()) || !this.relayable(destination.toString()),
    }
  }
}
