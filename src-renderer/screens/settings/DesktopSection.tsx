// Settings only the desktop app has: launch at login and the remembered unlock (kept by the OS keychain). Not shown
// in a browser, where the transport answers these calls with 'unavailable'.
import { useMutation, useQueryClient } from '@tanstack/react-query'
import type { DesktopCallInput } from '../../../src-shared/contract/desktop.ts'
import { CallError, useTransport } from '../../api/client.tsx'
import { keys, useDesktopSettings } from '../../api/queries.ts'
import { ErrorNotice } from '../../components/ErrorNotice.tsx'

export function DesktopSection() {
  const settings = useDesktopSettings()
  const t = useTransport()
  const qc = useQueryClient()
  const save = useMutation({
    mutationFn: async (patch: DesktopCallInput<'desktop.settings.set'>) => {
      const r = await t.callDesktop('desktop.settings.set', patch)
      if (!r.ok) throw new CallError('node.status', r.error.code, r.error.message)
      return r.data
    },
    onSuccess: (data) => qc.setQueryData(keys.desktop, data),
  })
  const s = settings.data
  if (s === undefined) return null
  return (
    <section className="card" aria-labelledby="desktop-h">
      <h2 id="desktop-h">Desktop</h2>
      <label className="check">
        <input type="checkbox" checked={s.launchAtLogin} disabled={save.isPending} onChange={(e) => save.mutate({ launchAtLogin: e.target.checked })} /> Start BZZZ when I log in (the peer runs in the tray)
      </label>
      <label className="check">
        <input type="checkbox" checked={s.rememberUnlock} disabled={save.isPending || !s.rememberUnlockAvailable} onChange={(e) => save.mutate({ rememberUnlock: e.target.checked })} /> Unlock the vault at start-up with a key kept by the system keychain
      </label>
      {!s.rememberUnlockAvailable && <p className="muted small">{s.rememberUnlockUnavailableReason ?? 'This system has no keychain the app can use.'}</p>}
      {save.isError && <ErrorNotice error={save.error} title="Not changed" />}
    </section>
  )
}
