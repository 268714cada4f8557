// The unlocked app: navigation, the current screen, notifications and the status bar.
import type { NodeStatus } from '../../src-shared/network.ts'
import { Icon, type IconName } from '../components/Icon.tsx'
import { RoleBadge } from '../components/RoleBadge.tsx'
import { useCustody } from '../api/queries.ts'
import { CustodyScreen } from '../screens/custody/CustodyScreen.tsx'
import { DecisionsScreen } from '../screens/decisions/DecisionsScreen.tsx'
import { ElectionsScreen } from '../screens/elections/ElectionsScreen.tsx'
import { PeersScreen } from '../screens/peers/PeersScreen.tsx'
import { PublishScreen } from '../screens/publish/PublishScreen.tsx'
import { SettingsScreen } from '../screens/settings/SettingsScreen.tsx'
import { SCREEN_LABELS, SCREENS, type Screen } from '../state/route.ts'
import { useUi } from '../state/ui-store.ts'
import { Notifications } from './Notifications.tsx'
import { StatusBar } from './StatusBar.tsx'
import { useRouteSync } from './useRouteSync.ts'
import { useShortcuts } from './useShortcuts.ts'

const ICONS: Record<Screen, IconName> = {
  decisions: 'decisions',
  publish: 'publish',
  peers: 'peers',
  elections: 'elections',
  custody: 'custody',
  settings: 'settings',
}

function NavBadge({ screen, running }: { screen: Screen; running: boolean }) {
  // Custody needs the network; while it is down there is nothing to count (and no error to report).
  const custody = useCustody(running && screen === 'custody')
  if (screen !== 'custody') return null
  const pending = custody.data?.pending.filter((r) => r.state === 'pending').length ?? 0
  return pending > 0 ? (
    <span className="nav-badge" aria-label={`${pending} pending`}>
      {pending}
    </span>
  ) : null
}

export function Shell({ status, onForgetToken }: { status: NodeStatus; onForgetToken?: () => void }) {
  const route = useUi((s) => s.route)
  const navigate = useUi((s) => s.navigate)
  const lastAddress = useUi((s) => s.lastAddress)
  useRouteSync()
  useShortcuts()
  const member = status.member
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <span className="brand">BZZZ</span>
        {member !== undefined && (
          <span className="topbar-member">
            <span className="topbar-network" title={`network id ${member.networkId}`}>
              {member.networkName}
            </span>
            <span className="muted">·</span>
            <span>{member.name}</span>
            <RoleBadge role={member.role} />
          </span>
        )}
      </header>
      <nav className="sidenav" aria-label="Main">
        <ul>
          {SCREENS.map((screen) => (
            <li key={screen}>
              <button
                type="button"
                className={route.screen === screen ? 'nav-item active' : 'nav-item'}
                aria-current={route.screen === screen ? 'page' : undefined}
                onClick={() => navigate(screen === 'decisions' ? { screen, ...(lastAddress === undefined || route.screen === 'decisions' ? {} : { address: lastAddress }) } : { screen })}
              >
                <Icon name={ICONS[screen]} />
                <span>{SCREEN_LABELS[screen]}</span>
                <NavBadge screen={screen} running={status.state === 'running'} />
              </button>
            </li>
          ))}
        </ul>
        <p className="nav-hint muted">
          <kbd>/</kbd> search · <kbd>j</kbd>/<kbd>k</kbd> move · <kbd>Enter</kbd> open
        </p>
      </nav>
      <main id="main" className="content">
        {route.screen === 'decisions' && <DecisionsScreen address={route.address} />}
        {route.screen === 'publish' && <PublishScreen supersedes={route.supersedes} />}
        {route.screen === 'peers' && <PeersScreen />}
        {route.screen === 'elections' && <ElectionsScreen />}
        {route.screen === 'custody' && <CustodyScreen />}
        {route.screen === 'settings' && <SettingsScreen {...(onForgetToken === undefined ? {} : { onForgetToken })} />}
      </main>
      <Notifications />
      <StatusBar status={status} />
    </div>
  )
}
