process.env.BZZZ_SCRYPT_LOG_N = '12'

// The built UI served by the peer: public files with the right types and a strict CSP, app routes answered with
// index.html, nothing outside the build (traversal, dotfiles, symlinks), and /api still behind the token.
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Peer } from '../../core/peer.ts'
import { startHttpApi, type HttpApiHandle } from './server.ts'
import { safeRelativePath, uiRoute } from './ui-route.ts'

const TOKEN = 'test-token-0123456789abcdefghijklmnopqrstuvw'
let dir: string
let peer: Peer
let api: HttpApiHandle
let missing: HttpApiHandle

function raw(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    let out = ''
    socket.on('data', (d) => (out += d.toString('utf8')))
    socket.on('end', () => resolve(out))
    socket.on('error', reject)
    socket.write(text)
    setTimeout(() => socket.end(), 500)
  })
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bzzz-ui-'))
  const root = join(dir, 'renderer')
  await mkdir(join(root, 'assets'), { recursive: true })
  await writeFile(join(root, 'index.html'), '<!doctype html><script type="module" src="./assets/app-1.js"></script><link rel="stylesheet" href="./assets/app-1.css"><div id="root"></div>')
  await writeFile(join(root, 'assets', 'app-1.js'), 'console.log(1)')
  await writeFile(join(root, 'assets', 'app-1.css'), 'body{}')
  await writeFile(join(root, 'assets', 'data.bin'), 'x')
  await writeFile(join(root, '.env'), 'SECRET=1')
  await writeFile(join(dir, 'secret.txt'), 'top secret')
  await symlink(join(dir, 'secret.txt'), join(root, 'assets', 'link.js'))
  peer = await Peer.open({ dataDir: join(dir, 'data'), command: 'test' })
  api = await startHttpApi({ peer, host: '127.0.0.1', port: 0, token: TOKEN, extraRoutes: [uiRoute({ root })] })
  missing = await startHttpApi({ peer, host: '127.0.0.1', port: 0, token: TOKEN, extraRoutes: [uiRoute({ root: join(dir, 'nothing') })] })
})

afterAll(async () => {
  await api?.close()
  await missing?.close()
  await peer?.close()
  await rm(dir, { recursive: true, force: true })
})

describe('the UI route', () => {
  it('serves index.html at / and for app routes, with absolute asset URLs, a strict CSP and no caching', async () => {
    for (const path of ['/', '/decisions', '/decisions/bob/architect/p/t/n1', '/index.html', '/assets/']) {
      const res = await fetch(`${api.url}${path}`)
      const body = await res.text()
      expect(res.status, path).toBe(200)
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8')
      expect(body).toContain('src="/assets/app-1.js"')
      expect(body).toContain('href="/assets/app-1.css"')
      const csp = res.headers.get('content-security-policy') ?? ''
      expect(csp).toContain("default-src 'none'")
      expect(csp).toContain("script-src 'self'")
      expect(csp).toContain("frame-ancestors 'none'")
      expect(csp).not.toMatch(/unsafe/)
      expect(res.headers.get('cache-control')).toBe('no-cache')
      expect(res.headers.get('x-frame-options')).toBe('DENY')
    }
  })

  it('serves assets with their content type, cached for good', async () => {
    const js = await fetch(`${api.url}/assets/app-1.js`)
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
    expect(await js.text()).toBe('console.log(1)')
    const css = await fetch(`${api.url}/assets/app-1.css`)
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8')
    const head = await fetch(`${api.url}/assets/app-1.js`, { method: 'HEAD' })
    expect(head.status).toBe(200)
    expect(await head.text()).toBe('')
  })

  it('serves nothing outside the build: traversal, dotfiles, symlinks, unknown types', async () => {
    for (const path of ['/assets/../../secret.txt', '/%2e%2e/secret.txt', '/assets/%2e%2e%2f%2e%2e%2fsecret.txt', '/.env', '/assets/link.js', '/assets/data.bin', '/assets/missing.js', '/assets/%00.js', '/assets/..%5c..%5csecret.txt']) {
      const res = await fetch(`${api.url}${path}`)
      const body = await res.text()
      expect(body, path).not.toContain('top secret')
      expect(body, path).not.toContain('SECRET')
      if (res.headers.get('content-type')?.startsWith('text/html') !== true) expect([400, 404], path).toContain(res.status)
    }
    // Unnormalized paths straight on the socket (fetch would normalize them).
    const answer = await raw(api.port, 'GET /../secret.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
    expect(answer).not.toContain('top secret')
    const bad = await fetch(`${api.url}/%E0%A4%A`)
    expect(bad.status).toBe(400)
  })

  it('answers only GET and HEAD, and never touches /api', async () => {
    const post = await fetch(`${api.url}/`, { method: 'POST' })
    expect(post.status).toBe(405)
    expect(post.headers.get('allow')).toBe('GET, HEAD')
    expect((await fetch(`${api.url}/api/status`)).status).toBe(401)
    expect((await fetch(`${api.url}/api`)).status).toBe(401)
    expect((await fetch(`${api.url}/api/status`, { headers: { Authorization: `Bearer ${TOKEN}` } })).status).toBe(200)
  })

  it('says how to build the UI when it is missing', async () => {
    const res = await fetch(`${missing.url}/`)
    expect(res.status).toBe(503)
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/npm run build:ui/)
  })

  it('normalizes paths', () => {
    expect(safeRelativePath('/a/./b/../c.js')).toBe('a/c.js')
    expect(safeRelativePath('/../../x.js')).toBe('x.js')
    expect(() => safeRelativePath('/.git/config')).toThrow(/no such file/)
    expect(() => safeRelativePath('/%zz')).toThrow(/percent-encoding/)
  })
})
