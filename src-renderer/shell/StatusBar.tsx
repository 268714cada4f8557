// The status bar: connection, peers, admin and term, the vault, and the last error (dismissable, never a modal).
import type { NodeStatus } from '../../src-shared/network.ts'
import { useConnection, useTransport } from '../api/client.tsx'
import { Icon } from '../components/Icon.tsx'
import { useNow } from '../components/useNow.ts'
import { useUi } from '../state/ui-store.ts'

function ConnectionItem() {
  const c = useConnection()
  const transport = useTransport()
  const now = useNow(1000)
  if (c.state === 'open') {
    return (
      <span className="sb-item sb-ok" data-testid="connection">
        <span className="dot dot-ok" aria-hidden="true" /> Connected
      </span>
    )
  }
  const wait = c.nextRetryAt === undefined ? undefined : Math.max(0, Math.ceil((c.nextRetryAt - now) / 1000))
  return (
    <span className="sb-item sb-warn" data-testid="connection">
      <span className="dot dot-warn" aria-hidden="true" />
      {c.state === 'reconnecting' ? `Reconnecting${wait !== undefined && wait > 0 ? ` in ${wait} s` : '…'}` : c.state === 'connecting' ? 'Connecting…' : 'Disconnected'}
      {c.state === 'reconnecting' && (
        <button type="button" className="link-button" onClick={() => transport.reconnectNow()}>
          Retry now
        </button>
      )}
    </span>
  )
}

export function StatusBar({ status }: { status: NodeStatus }) {
  const lastError = useUi((s) => s.lastError)
  const clearError = useUi((s) => s.clearError)
  const error = lastError?.message ?? status.lastError
  return (
    <footer className="statusbar" aria-label="Peer status">
      <div role="status" aria-live="polite" className="sb-items">
        <ConnectionItem />
        <span className="sb-item" data-testid="sb-peers">
          {status.connectedPeers} {status.connectedPeers === 1 ? 'peer' : 'peers'}
        </span>
        <span className="sb-item" data-testid="sb-admin">
          <Icon name="crown" /> {status.admin ?? 'no admin'}
        </span>
        <span className="sb-item" data-testid="sb-term">
          term {status.term}
        </span>
        <span className="sb-item" data-testid="sb-vault">
          <Icon name={status.vault === 'unlocked' ? 'unlock' : 'lock'} /> vault {status.vault}
        </span>
        {status.state !== 'running' && <span className="sb-item sb-warn">network {status.state}</span>}
      </div>
      <div className="sb-error" role={error === undefined ? undefined : 'alert'}>
        {error !== undefined && (
          <>
            <Icon name="alert" />
            <span className="sb-error-text" title={error}>
              {lastError !== undefined ? `${lastError.where}: ` : ''}
              {error}
            </span>
            {lastError !== undefined && (
              <button type="button" className="icon-button" aria-label="Dismiss the error" onClick={clearError}>
                <Icon name="x" />
              </button>
            )}
          </>
        )}
      </div>
    </footer>
  )
}
