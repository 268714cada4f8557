// Debian's Chromium driven by playwright-core, with the flags that work here as root, and pages that record what the
// app must never do: CSP violations, uncaught errors, failed requests to anything but the peer.
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'

export const CHROMIUM = process.env.BZZZ_CHROMIUM ?? '/usr/bin/chromium'
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage']

export interface Problems {
  csp: string[]
  errors: string[]
}

export class BrowserSession {
  readonly browser: Browser
  readonly problems: Problems = { csp: [], errors: [] }
  private readonly contexts: BrowserContext[] = []

  private constructor(browser: Browser) {
    this.browser = browser
  }

  /** Headless, with a fresh profile (playwright creates and removes a temporary user-data-dir per launch). */
  static async launch(): Promise<BrowserSession> {
    return new BrowserSession(await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS }))
  }

  /** A page in its own context (its own sessionStorage), as a separate person would have. */
  async page(label: string, opts: { colorScheme?: 'light' | 'dark' } = {}): Promise<Page> {
    const context = await this.browser.newContext({ viewport: { width: 1360, height: 860 }, colorScheme: opts.colorScheme ?? 'light', reducedMotion: 'reduce' })
    this.contexts.push(context)
    const page = await context.newPage()
    page.on('console', (m) => {
      const text = m.text()
      if (/Content Security Policy/i.test(text)) this.problems.csp.push(`${label}: ${text}`)
      else if (m.type() === 'error' && !/WebSocket connection|ERR_CONNECTION_REFUSED|Failed to load resource/.test(text)) this.problems.errors.push(`${label}: console error: ${text}`)
    })
    page.on('pageerror', (e) => this.problems.errors.push(`${label}: uncaught ${e.message}`))
    page.setDefaultTimeout(15_000)
    return page
  }

  async close(): Promise<void> {
    await this.browser.close().catch(() => undefined)
  }
}
