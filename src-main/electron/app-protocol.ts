// The renderer is served from a privileged custom scheme, `bzzz://app/…`, not from file:// (Electron security
// checklist: file:// pages share one opaque origin and can read any local file the process can). This gives the page
// a real origin for the CSP's 'self' and for the IPC sender check. Plain TypeScript: main.ts registers the scheme and
// answers each request with `resolveAppAsset` + `appResponseHeaders`.
import { extname, isAbsolute, join, normalize, relative, sep } from 'node:path'
import { CONTENT_SECURITY_POLICY } from './window-options.ts'

export const APP_SCHEME = 'bzzz'
export const APP_HOST = 'app'
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`

/** How the scheme is registered (before `app.ready`): standard and secure like https, fetch allowed, no CORS bypass. */
export const APP_SCHEME_PRIVILEGES = { standard: true, secure: true, supportFetchAPI: true, codeCache: true } as const

/**
 * The file under `root` (the built renderer) that a `bzzz://app/…` URL names, or undefined for anything else: another
 * scheme or host, an undecodable path, a path that leaves `root` (`..`, encoded or not), a NUL byte. Paths without
 * an extension are app routes and get index.html.
 */
export function resolveAppAsset(root: string, url: string): string | undefined {
  let u: URL
  try {
    u = new URL(url)
  } catch {
    return undefined
  }
  if (u.protocol !== `${APP_SCHEME}:` || u.host !== APP_HOST || u.username !== '' || u.password !== '') return undefined
  let path: string
  try {
    path = decodeURIComponent(u.pathname)
  } catch {
    return undefined
  }
  if (path.includes('\0') || path.includes('\\')) return undefined
  if (path === '/' || path === '' || extname(path) === '') path = '/index.html'
  const file = normalize(join(root, path))
  const rel = relative(root, file)
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel) || rel.split(sep).includes('..')) return undefined
  return file
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
}

export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream'
}

/** Headers of every app response: the strict CSP (also for the dev server, via onHeadersReceived), no sniffing. */
export function appResponseHeaders(file: string): Record<string, string> {
  return {
    'Content-Type': contentTypeOf(file),
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cache-Control': 'no-cache',
  }
}
