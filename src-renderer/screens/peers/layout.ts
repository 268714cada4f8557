// Positions for the peer graph: d3-force run to rest synchronously (no animation timers, nothing inline), this peer
// pinned in the middle, earlier positions reused so the picture stays put when a peer comes or goes.
import { forceCollide, forceLink, forceManyBody, forceRadial, forceSimulation, type SimulationLinkDatum, type SimulationNodeDatum } from 'd3-force'

export interface GraphNode extends SimulationNodeDatum {
  id: string
  self: boolean
}

export function layoutGraph(ids: string[], selfId: string, width: number, height: number, previous: Map<string, { x: number; y: number }>): Map<string, { x: number; y: number }> {
  const cx = width / 2
  const cy = height / 2
  const radius = Math.min(width, height) * 0.34
  const nodes: GraphNode[] = [selfId, ...ids.filter((i) => i !== selfId)].map((id, i, all) => {
    const prev = previous.get(id)
    const angle = (2 * Math.PI * i) / Math.max(1, all.length - 1)
    const node: GraphNode = { id, self: id === selfId, x: prev?.x ?? cx + radius * Math.cos(angle), y: prev?.y ?? cy + radius * Math.sin(angle) }
    if (id === selfId) {
      node.fx = cx
      node.fy = cy
    }
    return node
  })
  const links: SimulationLinkDatum<GraphNode>[] = nodes.filter((n) => !n.self).map((n) => ({ source: selfId, target: n.id }))
  const sim = forceSimulation(nodes)
    .force('charge', forceManyBody().strength(-260))
    .force('link', forceLink<GraphNode, SimulationLinkDatum<GraphNode>>(links).id((n) => n.id).distance(radius).strength(0.4))
    .force('radial', forceRadial<GraphNode>(radius, cx, cy).strength((n) => (n.self ? 0 : 0.6)))
    .force('collide', forceCollide(34))
    .stop()
  sim.tick(previous.size > 0 ? 80 : 240)
  const out = new Map<string, { x: number; y: number }>()
  // Keep every node and its two label lines (up to 56 px below the centre, ~60 px wide) inside the picture.
  for (const n of nodes) out.set(n.id, { x: Math.max(64, Math.min(width - 64, n.x ?? cx)), y: Math.max(30, Math.min(height - 60, n.y ?? cy)) })
  return out
}
