// The headless peer serves the built UI at '/' (public, strict CSP, no traversal, no listings) while /api needs the
// token; and a browser without the token learns how to get the link.
import type { Step } from '../lib/harness.ts'
import { expect } from '../lib/harness.ts'
import { must, shot, type Story } from './context.ts'

async function get(url: string, init: RequestInit = {}) {
  const res = await fetch(url, { redirect: 'manual', ...init })
  return { status: res.status, type: res.headers.get('content-type') ?? '', csp: res.headers.get('content-security-policy') ?? '', cache: res.headers.get('cache-control') ?? '', body: await res.text() }
}

export const servingSteps: Step<Story>[] = [
  {
    name: 'the peer serves the UI with a strict CSP and keeps /api behind the token',
    run: async (story) => {
      const { url } = must(story.peer.alice, 'alice')
      const index = await get(`${url}/`)
      expect(index.status === 200, `GET / answered ${index.status}`)
      expect(index.type.startsWith('text/html'), `GET / content type ${index.type}`)
      expect(/script-src 'self'/.test(index.csp) && /default-src 'none'/.test(index.csp) && /frame-ancestors 'none'/.test(index.csp), `CSP header: ${index.csp}`)
      expect(!/unsafe-inline|unsafe-eval/.test(index.csp), 'the CSP allows inline code')
      expect(index.body.includes('src="/assets/'), 'index.html does not reference /assets/ absolutely')
      const route = await get(`${url}/decisions/alice/architect/p/t/n1`)
      expect(route.status === 200 && route.type.startsWith('text/html'), `an app route answered ${route.status} ${route.type}`)
      const asset = /src="(\/assets\/[^"]+\.js)"/.exec(index.body)?.[1]
      expect(asset !== undefined, 'no script in index.html')
      const js = await get(`${url}${asset}`)
      expect(js.status === 200 && js.type.startsWith('text/javascript') && /immutable/.test(js.cache), `asset: ${js.status} ${js.type} ${js.cache}`)
      for (const bad of ['/assets/', '/assets/../../package.json', '/%2e%2e/%2e%2e/package.json', '/..%2f..%2fpackage.json', '/.git/config', '/assets/missing.js']) {
        const r = await get(`${url}${bad}`)
        expect(!r.body.includes('"name": "bzzz-desktop"') && !r.body.includes('[core]'), `${bad} leaked a file outside the UI`)
        expect(r.status === 404 || r.status === 400 || (r.status === 200 && r.type.startsWith('text/html') && r.body.includes('<div id="root">')), `${bad} answered ${r.status} ${r.type}`)
      }
      expect((await get(`${url}/`, { method: 'POST' })).status === 405, 'POST / is not refused')
      expect((await get(`${url}/api/status`)).status === 401, '/api/status without the token is not 401')
      expect((await get(`${url}/api/status?token=x`)).status === 401, 'a token in the query string is accepted')
    },
  },
  {
    name: 'without the token the page explains how to get the link',
    run: async (story) => {
      const alice = must(story.peer.alice, 'alice')
      const page = await story.browser.page('no-token')
      await page.goto(`${alice.url}/`)
      await page.getByRole('heading', { name: "Open this page from your peer's link" }).waitFor()
      await page.getByText('npm start').first().waitFor()
      await shot(story, page, 'no-token')
      await page.context().close()
    },
  },
]
