// The peers graph shows everyone with the admin highlighted; the dark theme works.
import type { Step } from '../lib/harness.ts'
import { eventually, expect } from '../lib/harness.ts'
import { must, nav, shot, type Story } from './context.ts'

export const peerSteps: Step<Story>[] = [
  {
    name: 'the peers graph and table show everyone, the admin highlighted',
    run: async (story) => {
      const page = must(story.page.alice, 'alice page')
      await nav(page, 'Peers')
      const graph = page.getByTestId('peer-graph')
      await eventually('all four peers in the graph', async () => {
        const label = (await graph.getAttribute('aria-label')) ?? ''
        return ['bob', 'carol', 'dave', 'erin'].every((n) => label.includes(n))
      }, 20_000)
      expect((await page.locator('.peer-graph .node-admin').count()) === 1, 'not exactly one admin node')
      expect((await page.locator('.peer-graph .node-self.node-admin').count()) === 1, 'the admin (alice) is not highlighted')
      await eventually('four rows in the table', async () => (await page.getByRole('table', { name: 'Connected peers' }).locator('tbody tr').count()) === 4)
      await shot(story, page, 'peers-graph')
      // From a member's side: the admin is another node, wearing the ring.
      const bob = must(story.page.bob, 'bob page')
      await nav(bob, 'Peers')
      await eventually('bob sees alice as admin', async () => (await bob.locator('.peer-graph .node-admin').getAttribute('data-label')) === 'alice', 20_000)
      await shot(story, bob, 'peers-graph-member')
    },
  },
  {
    name: 'settings: the dark theme, and the vault and configuration the role may change',
    run: async (story) => {
      const page = must(story.page.carol, 'carol page')
      await nav(page, 'Settings')
      await page.getByLabel('Dark').check()
      await eventually('dark theme applied', async () => (await page.evaluate('document.documentElement.dataset.theme')) === 'dark', 3000)
      // A backend developer may not change security settings: the field says why.
      await page.getByText('Read-only for you').first().waitFor()
      await shot(story, page, 'settings-dark')
      await nav(page, 'Decisions')
      await page.locator('article.detail').waitFor()
      await shot(story, page, 'decision-detail-dark')
    },
  },
]
