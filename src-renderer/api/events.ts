// Events from the peer, mapped onto the queries they change. Nothing polls for what an event reports.
import { useEffect } from 'react'
import { useQueryClient, type QueryClient } from '@tanstack/react-query'
import type { CallOutput } from '../../src-shared/contract/calls.ts'
import type { EventMessage } from '../../src-shared/contract/events.ts'
import type { NodeStatus } from '../../src-shared/network.ts'
import { mayRead } from '../../src-shared/roles.ts'
import type { Route } from '../state/route.ts'
import { useUi } from '../state/ui-store.ts'
import type { Transport } from '../transport/transport.ts'
import { keys } from './queries.ts'

type Peers = CallOutput<'peers.list'>

/** Applies one event to the query cache and raises the notifications it deserves. */
export function applyEvent(qc: QueryClient, message: EventMessage): void {
  const ui = useUi.getState()
  switch (message.type) {
    case 'node.status': {
      const before = qc.getQueryData<NodeStatus>(keys.status)
      qc.setQueryData(keys.status, message.payload)
      ui.samplePeers(message.payload.connectedPeers, message.at)
      const changedVault = before !== undefined && before.vault !== message.payload.vault
      const changedRole = before?.member?.role !== message.payload.member?.role
      if (changedVault || changedRole) {
        // Onboarding or unlocking moved on: errors from the screen before are settled.
        if (changedVault) ui.clearError()
        // What this member can read changed: every list, detail and view may differ now.
        void qc.invalidateQueries({ predicate: (q) => q.queryKey[0] !== keys.status[0] })
      } else if (before?.term !== message.payload.term || before?.admin !== message.payload.admin) {
        void qc.invalidateQueries({ queryKey: keys.election })
        void qc.invalidateQueries({ queryKey: keys.peers })
      }
      return
    }
    case 'decision.published': {
      void qc.invalidateQueries({ queryKey: keys.decisions })
      const { header, title, local } = message.payload
      const role = qc.getQueryData<NodeStatus>(keys.status)?.member?.role
      if (!local && role !== undefined && title !== undefined && mayRead(role, header.audience).allowed) {
        ui.notify({ kind: 'decision', title: `${header.supersedes === undefined ? 'New decision' : 'New version'}: ${title}`, body: `${header.author} · ${header.type}`, route: { screen: 'decisions', address: header.address } })
      }
      return
    }
    case 'peer.joined': {
      qc.setQueryData<Peers>(keys.peers, (old) => (old === undefined ? old : { peers: [...old.peers.filter((p) => p.peerId !== message.payload.peerId), message.payload] }))
      void qc.invalidateQueries({ queryKey: keys.status })
      void qc.invalidateQueries({ queryKey: keys.peers })
      return
    }
    case 'peer.left': {
      qc.setQueryData<Peers>(keys.peers, (old) => (old === undefined ? old : { peers: old.peers.filter((p) => p.peerId !== message.payload.peerId) }))
      void qc.invalidateQueries({ queryKey: keys.status })
      return
    }
    case 'member.added':
    case 'member.removed':
      void qc.invalidateQueries({ queryKey: keys.members })
      void qc.invalidateQueries({ queryKey: keys.peers })
      void qc.invalidateQueries({ queryKey: keys.custody })
      return
    case 'key.rotated':
      void qc.invalidateQueries({ queryKey: keys.decisions })
      void qc.invalidateQueries({ queryKey: keys.members })
      return
    case 'election.started':
      void qc.invalidateQueries({ queryKey: keys.election })
      ui.notify({ kind: 'election', key: 'election', title: `Election for term ${message.payload.term}`, body: `${message.payload.candidate} is standing`, route: { screen: 'elections' } })
      return
    case 'election.vote':
      void qc.invalidateQueries({ queryKey: keys.election })
      return
    case 'election.leader': {
      void qc.invalidateQueries({ queryKey: keys.election })
      void qc.invalidateQueries({ queryKey: keys.status })
      void qc.invalidateQueries({ queryKey: keys.peers })
      void qc.invalidateQueries({ queryKey: keys.custody })
      void qc.invalidateQueries({ queryKey: keys.members })
      const self = qc.getQueryData<NodeStatus>(keys.status)?.member?.id
      ui.notify({
        kind: 'election',
        key: 'election',
        title: message.payload.admin === self ? 'You are the admin now' : `${message.payload.admin} is admin`,
        body: message.payload.admin === self ? `elected for term ${message.payload.term}; the custodians release the admin key to you` : `elected for term ${message.payload.term}`,
        route: { screen: 'elections' },
      })
      return
    }
    case 'custody.request':
      void qc.invalidateQueries({ queryKey: keys.custody })
      if (message.payload.state === 'pending') {
        ui.notify({ kind: 'custody', title: 'Share request', body: `${message.payload.winner} asks for your key share (term ${message.payload.term})`, route: { screen: 'custody' }, sticky: true })
      }
      return
    case 'custody.progress':
      qc.setQueryData<CallOutput<'custody.status'>>(keys.custody, (old) =>
        old?.recovery === undefined || old.recovery.sessionId !== message.payload.sessionId
          ? old
          : { ...old, recovery: { ...old.recovery, received: message.payload.received, needed: message.payload.needed, badShares: message.payload.badShares } },
      )
      void qc.invalidateQueries({ queryKey: keys.custody })
      return
    case 'custody.shareReleased':
    case 'custody.keyRecovered':
      void qc.invalidateQueries({ queryKey: keys.custody })
      void qc.invalidateQueries({ queryKey: keys.audit })
      void qc.invalidateQueries({ queryKey: keys.election })
      if (message.type === 'custody.keyRecovered') void qc.invalidateQueries({ queryKey: keys.status })
      return
  }
}

/** Subscribes the query cache to the transport's events; after a reconnect, refetches everything (events were missed). */
export function useEventBridge(transport: Transport): void {
  const qc = useQueryClient()
  useEffect(() => {
    const off = transport.on((m) => applyEvent(qc, m))
    // The desktop shell asks for a screen (tray item, notification): a decision by its address, else the screen.
    const offNav = transport.onNavigate((target) => {
      const { navigate } = useUi.getState()
      navigate(target.screen === 'decisions' && target.id !== undefined ? { screen: 'decisions', address: target.id } : ({ screen: target.screen } as Route))
    })
    let wasDown = false
    const offConn = transport.onConnection((c) => {
      if (c.state === 'reconnecting') wasDown = true
      if (c.state === 'open' && wasDown) {
        wasDown = false
        void qc.invalidateQueries()
      }
    })
    return () => {
      off()
      offNav()
      offConn()
    }
  }, [transport, qc])
}
