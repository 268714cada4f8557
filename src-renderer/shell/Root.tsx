// Which screen the member sees: connection problems first, then onboarding, unlock, and the app itself.
import { useEffect } from 'react'
import { useConnection, useTransport } from '../api/client.tsx'
import { useEventBridge } from '../api/events.ts'
import { useDesktopSettings, useStatus } from '../api/queries.ts'
import { ErrorNotice } from '../components/ErrorNotice.tsx'
import { Onboarding } from '../screens/onboarding/Onboarding.tsx'
import { UnlockScreen } from '../screens/onboarding/UnlockScreen.tsx'
import { TokenRefused } from '../screens/no-token/NoToken.tsx'
import { useUi } from '../state/ui-store.ts'
import { Shell } from './Shell.tsx'
import { useTheme } from './useTheme.ts'

export function Root({ onForgetToken }: { onForgetToken?: () => void }) {
  const transport = useTransport()
  const connection = useConnection()
  const status = useStatus()
  const samplePeers = useUi((s) => s.samplePeers)
  const setTheme = useUi((s) => s.setTheme)
  // In the desktop app the shell keeps the theme (the tray and the window background follow it): adopt it.
  const desktopTheme = useDesktopSettings().data?.theme
  useEffect(() => {
    if (desktopTheme !== undefined) setTheme(desktopTheme)
  }, [desktopTheme, setTheme])
  useEventBridge(transport)
  useTheme()
  const peers = status.data?.connectedPeers
  useEffect(() => {
    if (peers !== undefined) samplePeers(peers)
  }, [peers, samplePeers])

  if (connection.state === 'unauthenticated') return <TokenRefused {...(onForgetToken === undefined ? {} : { onForget: onForgetToken })} />
  if (status.data === undefined) {
    return (
      <main className="center-screen" aria-busy={status.isPending}>
        <div className="card narrow">
          <h1 className="brand-title">BZZZ</h1>
          {status.isError ? (
            <ErrorNotice error={status.error} title="Cannot reach your peer" onRetry={() => void status.refetch()} />
          ) : (
            <p className="muted" role="status">
              {connection.state === 'reconnecting' ? 'Waiting for your peer… retrying.' : 'Connecting to your peer…'}
            </p>
          )}
        </div>
      </main>
    )
  }
  if (status.data.vault === 'absent') return <Onboarding />
  if (status.data.vault === 'locked') return <UnlockScreen status={status.data} />
  return <Shell status={status.data} {...(onForgetToken === undefined ? {} : { onForgetToken })} />
}
