// A live graph of this peer's connections: the admin wears a ring, roles have colours, edges show latency.
import { useMemo, useRef } from 'react'
import type { PeerInfo } from '../../../src-shared/network.ts'
import type { Role } from '../../../src-shared/roles.ts'
import { ROLE_LABELS } from '../../format/labels.ts'
import { layoutGraph } from './layout.ts'

const W = 520
const H = 380

export interface SelfNode {
  id: string
  name: string
  role: Role
  isAdmin: boolean
}

export function PeerGraph({ self, peers }: { self: SelfNode; peers: PeerInfo[] }) {
  const positions = useRef(new Map<string, { x: number; y: number }>())
  const ids = peers.map((p) => p.peerId)
  const key = ids.slice().sort().join(',')
  const pos = useMemo(() => {
    const next = layoutGraph(ids, self.id, W, H, positions.current)
    positions.current = next
    return next
    // Only a change in who is connected moves nodes (`key`); latency updates do not.
  }, [key, self.id])
  const center = pos.get(self.id) ?? { x: W / 2, y: H / 2 }
  const summary = `${peers.length} connected peer${peers.length === 1 ? '' : 's'}: ${peers.map((p) => `${p.name ?? p.memberId ?? 'unknown'}${p.isAdmin ? ' (admin)' : ''}`).join(', ')}`
  return (
    <svg className="peer-graph" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={summary} data-testid="peer-graph">
      {peers.map((p) => {
        const at = pos.get(p.peerId)
        if (at === undefined) return null
        const mx = (center.x + at.x) / 2
        const my = (center.y + at.y) / 2
        return (
          <g key={`e-${p.peerId}`} className={p.relayed ? 'edge edge-relayed' : 'edge'}>
            <line x1={center.x} y1={center.y} x2={at.x} y2={at.y} />
            {p.latencyMs !== undefined && (
              <text x={mx} y={my - 4} className="edge-label" textAnchor="middle">
                {Math.round(p.latencyMs)} ms
              </text>
            )}
          </g>
        )
      })}
      <Node x={center.x} y={center.y} label={`${self.name} (you)`} role={self.role} admin={self.isAdmin} self />
      {peers.map((p) => {
        const at = pos.get(p.peerId)
        return at === undefined ? null : <Node key={p.peerId} x={at.x} y={at.y} label={p.name ?? p.memberId ?? `${p.peerId.slice(0, 8)}…`} role={p.role} admin={p.isAdmin} />
      })}
    </svg>
  )
}

function Node({ x, y, label, role, admin, self = false }: { x: number; y: number; label: string; role: Role | undefined; admin: boolean; self?: boolean }) {
  return (
    <g className={`node role-${role ?? 'unknown'}${admin ? ' node-admin' : ''}${self ? ' node-self' : ''}`} data-label={label}>
      {admin && <circle cx={x} cy={y} r={22} className="admin-ring" />}
      <circle cx={x} cy={y} r={16} className="node-dot" />
      <text x={x} y={y + 36} textAnchor="middle" className="node-label">
        {label}
      </text>
      <text x={x} y={y + 50} textAnchor="middle" className="node-sub">
        {admin ? 'admin' : role === undefined ? 'not in roster' : ROLE_LABELS[role].toLowerCase()}
      </text>
    </g>
  )
}
