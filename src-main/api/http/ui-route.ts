// The built UI (out/renderer) served by the headless peer at '/', so a plain browser runs the same app as the desktop
// window, over the WebSocket at /api/events. Public like any login page: the files hold no secret, and the app asks
// the peer for nothing until it has the token (from the link's #fragment, which browsers never send). Everything
// under /api keeps requiring the token: this route never matches there.
//
// Only GET and HEAD; no directory listings; no dotfiles; paths are decoded once, normalized and must stay inside the
// root (symlinks included); a path without a file extension is an app route and gets index.html; content types
// from a fixed table; a Content-Security-Policy header as strict as the page's own meta tag (plus frame-ancestors,
// which only a header can set). Hashed assets are cached for good; index.html is revalidated every time.
import { readFile, realpath, stat } from 'node:fs/promises'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { extname, posix, resolve, sep } from 'node:path'
import { BzzzError } from '../../../src-shared/errors.ts'
import type { ExtraRoute } from './server.ts'

/** Where `npm run build:ui` (and electron-vite) put the renderer. */
export const UI_ROOT = resolve(import.meta.dirname, '../../../out/renderer')

export const UI_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  // 'self' covers ws: to the same host and port in current browsers; the loopback names are listed for older ones.
  "connect-src 'self' ws://127.0.0.1:* ws://localhost:*",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ')

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
}

export interface UiRouteOptions {
  /** The built UI; default UI_ROOT. */
  root?: string
}

/** True for paths the UI serves: everything but the API. */
export function isUiPath(path: string): boolean {
  return path !== '/api' && !path.startsWith('/api/')
}

function headers(res: ServerResponse, type: string, length: number, cache: string): void {
  res.setHeader('Content-Type', type)
  res.setHeader('Content-Length', length)
  res.setHeader('Cache-Control', cache)
  res.setHeader('Content-Security-Policy', UI_CONTENT_SECURITY_POLICY)
  res.setHeader('X-Content-Type-Options', 'nosniff')
  res.setHeader('X-Frame-Options', 'DENY')
  res.setHeader('Referrer-Policy', 'no-referrer')
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin')
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin')
}

/** The request path as a safe path relative to the root, or an error for what must never be served. */
export function safeRelativePath(rawPath: string): string {
  let decoded: string
  try {
    decoded = decodeURIComponent(rawPath)
  } catch {
    throw new BzzzError('invalid_input', 'the path is not valid percent-encoding')
  }
  if (decoded.includes('\0') || decoded.includes('\\')) throw new BzzzError('not_found', 'no such file')
  const normalized = posix.normalize(`/${decoded}`)
  if (normalized.split('/').some((seg) => seg === '..' || (seg.startsWith('.') && seg.length > 0))) throw new BzzzError('not_found', 'no such file')
  return normalized.replace(/^\/+/, '')
}

export function uiRoute(opts: UiRouteOptions = {}): ExtraRoute {
  const root = resolve(opts.root ?? UI_ROOT)
  let realRoot: string | undefined

  const inside = (p: string, base: string): boolean => p === base || p.startsWith(base + sep)

  const sendIndex = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let html: string
    try {
      html = await readFile(resolve(root, 'index.html'), 'utf8')
    } catch {
      throw new BzzzError('unavailable', "the UI is not built; run 'npm run build:ui' (npm start does it for you) and reload")
    }
    // The build uses relative asset URLs (for file:// in Electron); app routes like /decisions/... need absolute ones.
    const body = Buffer.from(html.replaceAll('"./assets/', '"/assets/'), 'utf8')
    headers(res, TYPES['.html']!, body.length, 'no-cache')
    res.writeHead(200)
    res.end(req.method === 'HEAD' ? undefined : body)
  }

  return {
    // With `match`, the prefix only names the route in logs and metrics.
    prefix: '/ui',
    public: true,
    match: isUiPath,
    async handle(req, res) {
      const method = req.method ?? 'GET'
      if (method !== 'GET' && method !== 'HEAD') {
        res.setHeader('Allow', 'GET, HEAD')
        res.writeHead(405)
        res.end(JSON.stringify({ error: { code: 'invalid_input', message: `${method} is not allowed here; the UI is read with GET` } }))
        return
      }
      const url = req.url ?? '/'
      const q = url.indexOf('?')
      const rel = safeRelativePath(q === -1 ? url : url.slice(0, q))
      const last = rel.split('/').at(-1) ?? ''
      // No extension: an app route (or the root) — the app decides what to show.
      if (rel === '' || extname(last) === '') {
        await sendIndex(req, res)
        return
      }
      const file = resolve(root, rel)
      if (!inside(file, root)) throw new BzzzError('not_found', 'no such file')
      let real: string
      try {
        realRoot ??= await realpath(root)
        real = await realpath(file)
      } catch {
        throw new BzzzError('not_found', `no such file: /${rel.slice(0, 200)}`)
      }
      if (!inside(real, realRoot)) throw new BzzzError('not_found', 'no such file')
      const info = await stat(real)
      if (!info.isFile()) throw new BzzzError('not_found', `no such file: /${rel.slice(0, 200)}`)
      const type = TYPES[extname(real).toLowerCase()]
      if (type === undefined) throw new BzzzError('not_found', `no such file: /${rel.slice(0, 200)}`)
      if (rel === 'index.html') {
        await sendIndex(req, res)
        return
      }
      const body = await readFile(real)
      headers(res, type, body.length, rel.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache')
      res.writeHead(200)
      res.end(method === 'HEAD' ? undefined : body)
    },
  }
}
