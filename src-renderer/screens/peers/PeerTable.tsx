import type { PeerInfo } from '../../../src-shared/network.ts'
import { Icon } from '../../components/Icon.tsx'
import { RoleBadge } from '../../components/RoleBadge.tsx'

export function PeerTable({ peers }: { peers: PeerInfo[] }) {
  const sorted = [...peers].sort((a, b) => Number(b.isAdmin) - Number(a.isAdmin) || (a.name ?? a.peerId).localeCompare(b.name ?? b.peerId))
  return (
    <table className="table" aria-label="Connected peers">
      <thead>
        <tr>
          <th scope="col">Member</th>
          <th scope="col">Role</th>
          <th scope="col" className="num">
            Latency
          </th>
          <th scope="col">Connection</th>
        </tr>
      </thead>
      <tbody>
        {sorted.length === 0 && (
          <tr>
            <td colSpan={4} className="muted">
              No peers connected. Peers appear here as they connect.
            </td>
          </tr>
        )}
        {sorted.map((p) => (
          <tr key={p.peerId} data-member={p.memberId}>
            <td>
              {p.isAdmin && <Icon name="crown" className="admin-icon" />}
              <span title={p.peerId}>{p.name ?? p.memberId ?? `${p.peerId.slice(0, 12)}…`}</span>
              {p.isAdmin && <span className="visually-hidden"> (admin)</span>}
            </td>
            <td>{p.role === undefined ? <span className="muted">unknown</span> : <RoleBadge role={p.role} />}</td>
            <td className="num">{p.latencyMs === undefined ? '–' : `${Math.round(p.latencyMs)} ms`}</td>
            <td className="muted">
              {p.direction ?? ''}
              {p.relayed ? ' · relayed' : ''}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
