// Peers: the live graph of connections beside a table, the count over time, and the roster.
import { usePeers, useStatus } from '../../api/queries.ts'
import { ErrorNotice } from '../../components/ErrorNotice.tsx'
import { ScreenHeader } from '../../components/ScreenHeader.tsx'
import { Sparkline } from '../../components/Sparkline.tsx'
import { useNow } from '../../components/useNow.ts'
import { useUi } from '../../state/ui-store.ts'
import { MembersPanel } from './MembersPanel.tsx'
import { PeerGraph } from './PeerGraph.tsx'
import { PeerTable } from './PeerTable.tsx'

export function PeersScreen() {
  const status = useStatus().data
  const peers = usePeers()
  const samples = useUi((s) => s.peerSamples)
  const now = useNow(5000)
  const member = status?.member
  // The window grows with the session (from a minute up to ten), so early samples are not a sliver at the edge.
  const first = samples[0]?.[0] ?? now
  const windowMs = Math.min(10 * 60_000, Math.max(60_000, now - first))
  if (member === undefined || status === undefined) return null
  const list = peers.data?.peers ?? []
  const online = new Set(list.map((p) => p.memberId).filter((m): m is string => m !== undefined))
  return (
    <div className="screen">
      <ScreenHeader title="Peers">
        <Sparkline samples={samples} now={now} windowMs={windowMs} label={`peers, last ${windowMs >= 120_000 ? `${Math.round(windowMs / 60_000)} min` : `${Math.round(windowMs / 1000)} s`}`} />
      </ScreenHeader>
      {peers.isError && <ErrorNotice error={peers.error} title="Peers unavailable" onRetry={() => void peers.refetch()} />}
      <div className="peers-layout">
        <section className="card graph-card" aria-labelledby="graph-h">
          <h2 id="graph-h">Connections</h2>
          <PeerGraph self={{ id: status.peerId ?? 'self', name: member.name, role: member.role, isAdmin: status.admin === member.id }} peers={list} />
          <p className="legend muted">
            <span className="legend-item role-admin">admin</span>
            <span className="legend-item role-architect">architect</span>
            <span className="legend-item role-backend_dev">backend developer</span>
            <span className="legend-item role-observer">observer</span>
          </p>
        </section>
        <section className="card" aria-labelledby="table-h">
          <h2 id="table-h">
            Connected <span className="muted">({list.length})</span>
          </h2>
          <PeerTable peers={list} />
        </section>
      </div>
      <MembersPanel role={member.role} selfId={member.id} online={online} />
    </div>
  )
}
