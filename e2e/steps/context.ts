// What the story's steps share: the peers, the browser, one page per person, and the screenshot folder.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Locator, Page } from 'playwright-core'
import type { BrowserSession } from '../lib/browser.ts'
import type { E2ePeer, PeerFleet } from '../lib/peers.ts'

export type Person = 'alice' | 'bob' | 'carol' | 'dave' | 'erin'

export interface Story {
  fleet: PeerFleet
  browser: BrowserSession
  artifacts: string
  peer: Partial<Record<Person, E2ePeer>>
  page: Partial<Record<Person, Page>>
  published?: { address: string; title: string }
  screenshots: string[]
}

export function must<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} is missing (an earlier step did not set it up)`)
  return value
}

export async function shot(story: Story, page: Page, name: string): Promise<void> {
  mkdirSync(story.artifacts, { recursive: true })
  const file = join(story.artifacts, `${String(story.screenshots.length + 1).padStart(2, '0')}-${name}.png`)
  // Let fonts and layout settle; screenshots must show the finished state.
  await page.waitForTimeout(150)
  await page.screenshot({ path: file })
  story.screenshots.push(file)
}

/** Opens the app of `peer` in `page` with the token in the fragment. */
export async function openApp(page: Page, peer: E2ePeer, path = '/'): Promise<void> {
  await page.goto(peer.link(path))
}

export async function nav(page: Page, screen: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: screen, exact: false }).first().click()
  await page.getByRole('heading', { level: 1 }).first().waitFor()
}

export async function text(l: Locator): Promise<string> {
  return (await l.textContent()) ?? ''
}

/** The status bar's part with the given test id. */
export function statusItem(page: Page, id: 'connection' | 'sb-peers' | 'sb-admin' | 'sb-term' | 'sb-vault'): Locator {
  return page.getByTestId(id)
}
