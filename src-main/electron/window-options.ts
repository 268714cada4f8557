// The hardened BrowserWindow options and the window's policies (Electron security checklist), as plain functions so
// tests can assert every one without the Electron binary. window.ts applies them.
import type { WindowBounds } from './settings.ts'

export interface SecureWindowOptions {
  width: number
  height: number
  x?: number
  y?: number
  minWidth: number
  minHeight: number
  show: boolean
  title: string
  backgroundColor: string
  icon?: string
  autoHideMenuBar: boolean
  webPreferences: {
    preload: string
    contextIsolation: true
    sandbox: true
    nodeIntegration: false
    nodeIntegrationInWorker: false
    nodeIntegrationInSubFrames: false
    webSecurity: true
    allowRunningInsecureContent: false
    experimentalFeatures: false
    webviewTag: false
    navigateOnDragDrop: false
    safeDialogs: true
    spellcheck: boolean
    devTools: boolean
  }
}

export const DEFAULT_SIZE = { width: 1200, height: 800 } as const

export function secureWindowOptions(preloadPath: string, opts: { devTools: boolean; bounds?: WindowBounds | undefined; icon?: string }): SecureWindowOptions {
  const b = opts.bounds
  return {
    width: b?.width ?? DEFAULT_SIZE.width,
    height: b?.height ?? DEFAULT_SIZE.height,
    ...(b === undefined ? {} : { x: b.x, y: b.y }),
    minWidth: 720,
    minHeight: 480,
    show: false,
    title: 'BZZZ',
    backgroundColor: '#111418',
    ...(opts.icon === undefined ? {} : { icon: opts.icon }),
    autoHideMenuBar: true,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: true,
      devTools: opts.devTools,
    },
  }
}

/** The renderer's Content-Security-Policy: only our own bundle, no remote anything, no eval, no inline script. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "frame-src 'none'",
  "object-src 'none'",
].join('; ')

/**
 * A new window asked for by the page (`<a target="_blank">`, `window.open`) is always denied; the URL is opened in the
 * user's browser only when it is an http(s) link the user clicked. A click on a link gives the dispositions
 * 'foreground-tab' / 'background-tab'; a script's `window.open` gives 'new-window' and is never opened.
 */
export function externalLinkToOpen(url: string, disposition: string): string | undefined {
  if (disposition !== 'foreground-tab' && disposition !== 'background-tab') return undefined
  return isSafeExternalUrl(url) ? url : undefined
}

/** http(s), no credentials in the URL, not absurdly long. */
export function isSafeExternalUrl(url: string): boolean {
  if (url.length > 2048) return false
  try {
    const u = new URL(url)
    return (u.protocol === 'https:' || u.protocol === 'http:') && u.username === '' && u.password === '' && u.hostname !== ''
  } catch {
    return false
  }
}

export interface DisplayArea {
  x: number
  y: number
  width: number
  height: number
}

/**
 * The saved bounds when their top-left area is on a display that exists now (a monitor may have been unplugged),
 * shrunk to fit that display; otherwise undefined (the window opens centred at the default size).
 */
export function restoreBounds(saved: WindowBounds | undefined, displays: readonly DisplayArea[]): WindowBounds | undefined {
  if (saved === undefined) return undefined
  const probe = { x: saved.x + 40, y: saved.y + 20 }
  const display = displays.find((d) => probe.x >= d.x && probe.x < d.x + d.width && probe.y >= d.y && probe.y < d.y + d.height)
  if (display === undefined) return undefined
  return { ...saved, width: Math.min(saved.width, display.width), height: Math.min(saved.height, display.height) }
}
