// Where the desktop app keeps things, and launch at login on Linux. Plain TypeScript (no Electron).
import { mkdir, rm } from 'node:fs/promises'
import { homedir } from 'node:os'
import { dirname, join } from 'node:path'
import { writeFileAtomic } from '../core/store/atomic-file.ts'

export interface DesktopPaths {
  /** The peer's data directory (the same layout as `bzzz --data-dir`). */
  dataDir: string
  /** Electron's userData (settings.json, Chromium's profile), when it must move from its default. */
  userData: string | undefined
}

/**
 * BZZZ_DATA_DIR, when set, is the peer's directory exactly as for the CLI, and the app's own state goes beside the
 * peer's in DIR/desktop (so a test or a second profile is fully isolated, single-instance lock included). Otherwise
 * the peer lives in Electron's userData directory, under peer/.
 */
export function desktopPaths(env: Record<string, string | undefined>, defaultUserData: string): DesktopPaths {
  const dir = env.BZZZ_DATA_DIR
  if (dir !== undefined && dir !== '') return { dataDir: dir, userData: join(dir, 'desktop') }
  return { dataDir: join(defaultUserData, 'peer'), userData: undefined }
}

// -- launch at login on Linux: a freedesktop autostart entry (Electron's setLoginItemSettings is macOS/Windows only) --

export const AUTOSTART_FILE = 'bzzz-desktop.desktop'

export function autostartPath(env: Record<string, string | undefined>): string {
  const configHome = env.XDG_CONFIG_HOME !== undefined && env.XDG_CONFIG_HOME !== '' ? env.XDG_CONFIG_HOME : join(homedir(), '.config')
  return join(configHome, 'autostart', AUTOSTART_FILE)
}

/** The command that starts this app: the AppImage when run from one, else the executable (plus the app path in dev). */
export function launchCommand(env: Record<string, string | undefined>, execPath: string, appPath: string | undefined): string[] {
  if (env.APPIMAGE !== undefined && env.APPIMAGE !== '') return [env.APPIMAGE]
  return appPath === undefined ? [execPath] : [execPath, appPath]
}

/** An argument quoted for a desktop entry's Exec key (freedesktop Desktop Entry spec, "The Exec key"). */
export function quoteExecArg(arg: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg
  return `"${arg.replace(/(["`$\\])/g, '\\$1')}"`
}

export function autostartEntry(command: readonly string[]): string {
  return ['[Desktop Entry]', 'Type=Application', 'Name=BZZZ', 'Comment=Architectural decisions, peer to peer', `Exec=${command.map(quoteExecArg).join(' ')}`, 'Terminal=false', 'X-GNOME-Autostart-enabled=true', ''].join('\n')
}

export async function setLinuxAutostart(enabled: boolean, path: string, command: readonly string[]): Promise<void> {
  if (!enabled) {
    await rm(path, { force: true })
    return
  }
  await mkdir(dirname(path), { recursive: true })
  await writeFileAtomic(path, autostartEntry(command))
}
