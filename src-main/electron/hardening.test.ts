// The Electron security checklist, asserted without the binary: the window factory's options, the CSP, the link and
// navigation policies, the app protocol, and (from the source, where only Electron can run it) that the adapters
// install every guard.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { APP_ENTRY_URL, APP_ORIGIN, APP_SCHEME_PRIVILEGES, appResponseHeaders, contentTypeOf, resolveAppAsset } from './app-protocol.ts'
import { originOf } from './ipc.ts'
import { CONTENT_SECURITY_POLICY, externalLinkToOpen, isSafeExternalUrl, restoreBounds, secureWindowOptions } from './window-options.ts'

describe('window factory options', () => {
  const options = secureWindowOptions('/app/out/preload/index.cjs', { devTools: false })

  it('isolates and sandboxes the renderer, with no Node anywhere', () => {
    expect(options.webPreferences).toEqual({
      preload: '/app/out/preload/index.cjs',
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
      devTools: false,
    })
  })

  it('has no remote module, no blink feature switches, no extra preload paths', () => {
    const prefs = options.webPreferences as Record<string, unknown>
    for (const key of ['enableRemoteModule', 'enableBlinkFeatures', 'additionalArguments', 'partition', 'session', 'webgl', 'plugins']) expect(prefs).not.toHaveProperty(key)
  })

  it('opens hidden (shown on ready-to-show) and restores saved bounds', () => {
    expect(options).toMatchObject({ show: false, width: 1200, height: 800, title: 'BZZZ' })
    const restored = secureWindowOptions('p', { devTools: true, bounds: { x: 10, y: 20, width: 900, height: 700, maximized: false } })
    expect(restored).toMatchObject({ x: 10, y: 20, width: 900, height: 700 })
    expect(restored.webPreferences.devTools).toBe(true)
  })
})

describe('window bounds', () => {
  it('keeps bounds on a present display and drops them on an unplugged one', () => {
    const displays = [
      { x: 0, y: 0, width: 1920, height: 1080 },
      { x: 1920, y: 0, width: 1280, height: 720 },
    ]
    expect(restoreBounds({ x: 2000, y: 100, width: 1600, height: 900, maximized: true }, displays)).toEqual({ x: 2000, y: 100, width: 1280, height: 720, maximized: true })
    expect(restoreBounds({ x: 5000, y: 100, width: 800, height: 600, maximized: false }, displays)).toBeUndefined()
    expect(restoreBounds(undefined, displays)).toBeUndefined()
  })
})

describe('content security policy', () => {
  const directives = new Map(CONTENT_SECURITY_POLICY.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1).join(' ')]))

  it('allows only our own bundle: no inline or eval script, no remote connections, no frames or objects', () => {
    expect(directives.get('default-src')).toBe("'none'")
    expect(directives.get('script-src')).toBe("'self'")
    expect(directives.get('connect-src')).toBe("'self'")
    expect(directives.get('object-src')).toBe("'none'")
    expect(directives.get('frame-src')).toBe("'none'")
    expect(directives.get('frame-ancestors')).toBe("'none'")
    expect(directives.get('base-uri')).toBe("'none'")
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-inline|unsafe-eval|\*|https?:/)
  })
})

describe('links and navigation', () => {
  it('opens only http(s) links the user clicked, in the browser', () => {
    expect(externalLinkToOpen('https://adr.github.io/madr/', 'foreground-tab')).toBe('https://adr.github.io/madr/')
    expect(externalLinkToOpen('http://example.com/x', 'background-tab')).toBe('http://example.com/x')
    // window.open from a script, not a click
    expect(externalLinkToOpen('https://example.com/', 'new-window')).toBeUndefined()
    expect(externalLinkToOpen('https://example.com/', 'default')).toBeUndefined()
    for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share', 'bzzz://app/index.html', 'mailto:a@b.c', 'https://user:pw@example.com/', 'not a url', `https://e.com/${'a'.repeat(3000)}`]) {
      expect(externalLinkToOpen(url, 'foreground-tab'), url).toBeUndefined()
    }
    expect(isSafeExternalUrl('https://example.com')).toBe(true)
  })
})

describe('app protocol', () => {
  const root = '/opt/bzzz/resources/app.asar/out/renderer'

  it('serves files from the renderer bundle and app routes as index.html', () => {
    expect(resolveAppAsset(root, APP_ENTRY_URL)).toBe(join(root, 'index.html'))
    expect(resolveAppAsset(root, `${APP_ORIGIN}/`)).toBe(join(root, 'index.html'))
    expect(resolveAppAsset(root, `${APP_ORIGIN}/custody`)).toBe(join(root, 'index.html'))
    expect(resolveAppAsset(root, `${APP_ORIGIN}/assets/index-abc.js?v=1#x`)).toBe(join(root, 'assets/index-abc.js'))
  })

  it('resolves dot segments inside the bundle (the URL parser removes them before any file is named)', () => {
    expect(resolveAppAsset(root, `${APP_ORIGIN}/../../../etc/passwd.txt`)).toBe(join(root, 'etc/passwd.txt'))
    expect(resolveAppAsset(root, `${APP_ORIGIN}/%2e%2e/%2e%2e/etc/passwd.txt`)).toBe(join(root, 'etc/passwd.txt'))
  })

  it.each([
    `${APP_ORIGIN}/assets/..%2f..%2f..%2fsecret.json`,
    `${APP_ORIGIN}/assets/%5c..%5csecret.json`,
    `${APP_ORIGIN}/a%00.js`,
    `${APP_ORIGIN}/%E0%A4%A.js`,
    'bzzz://other/index.html',
    'bzzz://user:pw@app/index.html',
    'file:///opt/bzzz/resources/app.asar/out/renderer/index.html',
    'https://app/index.html',
  ])('refuses %s', (url) => {
    expect(resolveAppAsset(root, url)).toBeUndefined()
  })

  it('answers with the CSP, the right type and no sniffing; the scheme is standard and secure', () => {
    expect(appResponseHeaders('/x/index.html')).toMatchObject({ 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': CONTENT_SECURITY_POLICY, 'X-Content-Type-Options': 'nosniff' })
    expect(contentTypeOf('a.js')).toBe('text/javascript; charset=utf-8')
    expect(contentTypeOf('a.unknown')).toBe('application/octet-stream')
    expect(APP_SCHEME_PRIVILEGES).toEqual({ standard: true, secure: true, supportFetchAPI: true, codeCache: true })
    expect(originOf(APP_ENTRY_URL)).toBe(APP_ORIGIN)
  })
})

describe('the Electron adapters install every guard (checked in the source: only Electron can run them)', () => {
  const source = (file: string) => readFileSync(join(import.meta.dirname, file), 'utf8')

  it('window.ts: navigation, redirects, webviews, new windows, permissions, downloads', () => {
    const w = source('window.ts')
    expect(w).toMatch(/on\('will-navigate', \(event, url\) => \{\s*event\.preventDefault\(\)/)
    expect(w).toMatch(/on\('will-redirect', \(event\) => event\.preventDefault\(\)\)/)
    expect(w).toMatch(/on\('will-attach-webview', \(event\) => event\.preventDefault\(\)\)/)
    expect(w).toMatch(/setWindowOpenHandler\(\(\{ url, disposition \}\) => \{[\s\S]*?externalLinkToOpen\(url, disposition\)[\s\S]*?return \{ action: 'deny' \}/)
    expect(w).toMatch(/setPermissionRequestHandler\(\(_contents, _permission, callback\) => callback\(false\)\)/)
    expect(w).toMatch(/setPermissionCheckHandler\(\(\) => false\)/)
    expect(w).toMatch(/on\('will-download', \(event\) => event\.preventDefault\(\)\)/)
    expect(w).toMatch(/new BrowserWindow\(secureWindowOptions\(/)
    expect(w.match(/shell\.openExternal\(/g)).toHaveLength(1)
  })

  it('main.ts: guards every webContents, serves the app scheme, one instance, privileged scheme before ready', () => {
    const m = source('main.ts')
    expect(m).toMatch(/app\.on\('web-contents-created', \(_event, contents\) => hardenWebContents\(contents, log\)\)/)
    expect(m).toMatch(/hardenSession\(session\.defaultSession\)/)
    expect(m).toMatch(/requestSingleInstanceLock\(\)/)
    expect(m.indexOf('registerSchemesAsPrivileged')).toBeLessThan(m.indexOf('whenReady'))
    expect(m).not.toMatch(/shell\.openExternal|nodeIntegration|loadFile\(/)
  })
})
