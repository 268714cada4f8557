// Settings: theme, the vault, this peer's data directory and API token, and its configuration (what the matrix lets
// this role change is editable; the rest shows why not).
import { configSchema } from '../../../src-shared/config.ts'
import { useConfig, useStatus, keys, useCall } from '../../api/queries.ts'
import { ErrorNotice } from '../../components/ErrorNotice.tsx'
import { ScreenHeader } from '../../components/ScreenHeader.tsx'
import { useUi, type Theme } from '../../state/ui-store.ts'
import { ConfigField } from './ConfigField.tsx'
import { DesktopSection } from './DesktopSection.tsx'
import { useTransport } from '../../api/client.tsx'

function lines(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
}

function listParser(key: 'listen' | 'bootstrap') {
  return (text: string) => {
    const r = configSchema.shape[key].safeParse(lines(text))
    return r.success ? { ok: true as const, value: r.data } : { ok: false as const, error: r.error.issues[0]?.message ?? 'invalid' }
  }
}

function intParser(min: number, max: number) {
  return (text: string) => {
    const n = Number(text)
    return Number.isInteger(n) && n >= min && n <= max ? { ok: true as const, value: n } : { ok: false as const, error: `a whole number from ${min} to ${max}` }
  }
}

const THEMES: { value: Theme; label: string }[] = [
  { value: 'system', label: 'Like the system' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
]

export function SettingsScreen({ onForgetToken }: { onForgetToken?: () => void }) {
  const status = useStatus().data
  const config = useConfig()
  const theme = useUi((s) => s.theme)
  const setTheme = useUi((s) => s.setTheme)
  const transport = useTransport()
  // The desktop shell keeps the theme too (its window background, before the page loads); elsewhere this is a no-op.
  const chooseTheme = (theme: Theme) => {
    setTheme(theme)
    void transport.callDesktop('desktop.settings.set', { theme })
  }
  const lock = useCall('vault.lock', (s, qc) => qc.setQueryData(keys.status, s))
  const role = status?.member?.role ?? 'observer'
  const c = config.data
  return (
    <div className="screen settings">
      <ScreenHeader title="Settings" />
      <section className="card" aria-labelledby="look-h">
        <h2 id="look-h">Appearance</h2>
        <fieldset className="radio-row">
          <legend>Theme</legend>
          {THEMES.map((t) => (
            <label key={t.value} className="radio">
              <input type="radio" name="theme" value={t.value} checked={theme === t.value} onChange={() => chooseTheme(t.value)} /> {t.label}
            </label>
          ))}
        </fieldset>
      </section>
      <DesktopSection />
      <section className="card" aria-labelledby="vault-h">
        <h2 id="vault-h">Vault and access</h2>
        <dl className="detail-facts">
          <dt>Data directory</dt>
          <dd className="mono">{status?.dataDir ?? 'shown by the peer at start (BZZZ_DATA_DIR, default ~/.bzzz)'}</dd>
          <dt>API token</dt>
          <dd>
            In <span className="mono">{status?.dataDir ?? 'DATA_DIR'}/api-token</span>; tools send it as <span className="mono">Authorization: Bearer …</span>. To replace it, stop the peer, delete the file and start it again.
          </dd>
          <dt>Peer</dt>
          <dd className="mono break">{status?.peerId ?? 'not started'}</dd>
          <dt>Listening on</dt>
          <dd className="mono break">{status?.listenAddrs.join(', ') || 'nothing yet'}</dd>
        </dl>
        <div className="form-actions">
          <button type="button" className="btn" disabled={lock.isPending} onClick={() => lock.mutate({})}>
            Lock the vault
          </button>
          {onForgetToken !== undefined && (
            <button type="button" className="btn" onClick={onForgetToken}>
              Forget the token in this browser
            </button>
          )}
        </div>
        {lock.isError && <ErrorNotice error={lock.error} title="The vault stays unlocked" />}
      </section>
      <section className="card" aria-labelledby="net-h">
        <h2 id="net-h">Network</h2>
        {config.isError && <ErrorNotice error={config.error} onRetry={() => void config.refetch()} />}
        {c !== undefined && (
          <>
            <ConfigField role={role} configKey="listen" label="Listen addresses (one per line)" hint="Applies after a restart." value={c.listen} format={(v) => v.join('\n')} parse={listParser('listen')} render={(p) => <textarea rows={2} className="mono" value={p.value} disabled={p.disabled} onChange={(e) => p.onChange(e.target.value)} />} />
            <ConfigField role={role} configKey="bootstrap" label="Bootstrap peers (one per line)" hint="Multiaddrs with /p2p/ ids of always-on peers. Applies after a restart." value={c.bootstrap} format={(v) => v.join('\n')} parse={listParser('bootstrap')} render={(p) => <textarea rows={3} className="mono" value={p.value} disabled={p.disabled} onChange={(e) => p.onChange(e.target.value)} />} />
          </>
        )}
      </section>
      <section className="card" aria-labelledby="team-h">
        <h2 id="team-h">Team settings</h2>
        {c !== undefined && (
          <>
            <ConfigField role={role} configKey="replicas" label="Replicas per decision" hint="How many peers should store each decision (1–20)." value={c.replicas} format={String} parse={intParser(1, 20)} render={(p) => <input type="number" min={1} max={20} value={p.value} disabled={p.disabled} onChange={(e) => p.onChange(e.target.value)} />} />
            <ConfigField
              role={role}
              configKey="logLevel"
              label="Log level"
              value={c.logLevel}
              format={String}
              parse={(t) => ({ ok: true, value: t })}
              render={(p) => (
                <select value={p.value} disabled={p.disabled} onChange={(e) => p.onChange(e.target.value)}>
                  {['trace', 'debug', 'info', 'warn', 'error'].map((l) => (
                    <option key={l} value={l}>
                      {l}
                    </option>
                  ))}
                </select>
              )}
            />
          </>
        )}
      </section>
    </div>
  )
}
