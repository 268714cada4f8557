import { useEffect, useState } from 'react'
import type { NodeStatus } from '../src-shared/network.ts'
import type { Transport } from './transport/transport.ts'

export function App({ transport }: { transport: Transport | undefined }) {
  const [status, setStatus] = useState<NodeStatus | undefined>()
  const [error, setError] = useState<string | undefined>()

  useEffect(() => {
    if (transport === undefined) {
      setError('No connection to a peer: open this page from the desktop app or from the link your peer printed.')
      return
    }
    void transport.call('node.status', {}).then((r) => (r.ok ? setStatus(r.data) : setError(r.error.message)))
    return transport.on((message) => {
      if (message.type === 'node.status') setStatus(message.payload as NodeStatus)
    })
  }, [transport])

  return (
    <main>
      <h1>BZZZ</h1>
      {error !== undefined && <p role="alert">{error}</p>}
      {status !== undefined && (
        <p>
          Peer {status.state}, vault {status.vault}
          {status.member ? `, ${status.member.name} (${status.member.role}) in ${status.member.networkName}` : ''}
        </p>
      )}
    </main>
  )
}
