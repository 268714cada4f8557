// An architect publishes through the UI; an observer sees the decision locked (with who can read it) and a backend
// developer reads it, rendered safely; the list works from the keyboard.
import type { Step } from '../lib/harness.ts'
import { eventually, expect } from '../lib/harness.ts'
import { must, nav, openApp, shot, text, type Story } from './context.ts'

const TITLE = 'Use PostgreSQL for the event store'
const BODY = [
  'We store events in **PostgreSQL** with one table per aggregate.',
  '',
  '![architecture diagram](https://example.com/diagram.png)',
  '',
  '<script>alert("raw html")</script>',
  '',
  '```mermaid',
  'graph TD; API-->EventStore',
  '```',
  '',
  '| option | verdict |',
  '|---|---|',
  '| Kafka | later |',
].join('\n')

export const decisionSteps: Step<Story>[] = [
  {
    name: 'a backend developer and an observer are watching when an architect publishes through the UI',
    timeoutMs: 90_000,
    run: async (story) => {
      for (const who of ['carol', 'dave'] as const) {
        const page = await story.browser.page(who)
        story.page[who] = page
        await openApp(page, must(story.peer[who], who))
        await page.getByRole('heading', { name: 'Decisions', level: 1 }).waitFor({ timeout: 20_000 })
      }
      const page = must(story.page.bob, 'bob page')
      await nav(page, 'Publish')
      await page.getByLabel('Title').fill(TITLE)
      await page.getByLabel('Context').fill('Events must be **durable** and queryable by aggregate.')
      await page.getByLabel('Decision', { exact: true }).fill(BODY)
      await page.getByLabel('Consequences').fill('- Operations run one more database\n- Replays are SQL')
      await page.getByLabel('Type').selectOption('architectural')
      await page.getByLabel('Audience (the lowest role that may read it)').selectOption('backend_dev')
      const observerRow = page.locator('.audience-preview li[data-role="observer"]')
      expect((await text(observerRow)).includes('sees it locked'), `observer preview: ${await text(observerRow)}`)
      await page.getByLabel('Project').fill('billing platform')
      await page.getByText('the project contains " "').waitFor()
      await page.getByLabel('Project').fill('billing')
      await page.getByLabel('Task').fill('event-store')
      await page.getByLabel('Tags').fill('storage, postgres')
      await shot(story, page, 'publish-form')
      await page.getByRole('tab', { name: 'Preview' }).click()
      await page.locator('.preview h3').filter({ hasText: TITLE }).waitFor()
      await shot(story, page, 'publish-preview')
      await page.locator('#main').getByRole('button', { name: 'Publish', exact: true }).click()
      await page.getByRole('heading', { name: 'Published' }).waitFor({ timeout: 30_000 })
      const replicas = await text(page.getByTestId('replicas'))
      expect(/^\d+ replicas?$/.test(replicas.trim()), `replica count: ${replicas}`)
      const address = (await text(page.locator('.publish-result .mono'))).trim()
      expect(address.startsWith('bob/architect/billing/event-store/'), `address: ${address}`)
      story.published = { address, title: TITLE }
      await shot(story, page, 'publish-result')
    },
  },
  {
    name: 'the observer sees it locked, with who can read it and why',
    run: async (story) => {
      const page = must(story.page.dave, 'dave page')
      const row = page.locator('.decision-row.locked').first()
      await row.waitFor({ timeout: 20_000 })
      const rowText = await text(row)
      expect(rowText.includes('Readable by Backend developer, Architect, Admin'), `locked row: ${rowText}`)
      expect(!rowText.includes(TITLE), 'the observer sees the title')
      await row.click()
      await page.getByRole('heading', { name: 'Locked architectural decision' }).waitFor()
      await page.getByText('Addressed to backend developers and above').first().waitFor()
      await shot(story, page, 'decisions-observer-locked')
      // What the observer may not publish is disabled with the reason, not failing after a click.
      await nav(page, 'Publish')
      const architectural = page.getByLabel('Type').locator('option[value="architectural"]')
      expect(await architectural.isDisabled(), 'an observer may choose architectural decisions')
      await shot(story, page, 'publish-observer-permissions')
      await nav(page, 'Decisions')
    },
  },
  {
    name: 'the backend developer is notified, reads it rendered safely, and drives the list by keyboard',
    run: async (story) => {
      const page = must(story.page.carol, 'carol page')
      const { address } = must(story.published, 'the published decision')
      await page.locator('.toast').filter({ hasText: `New decision: ${TITLE}` }).waitFor({ timeout: 20_000 })
      await page.locator('.decision-row').filter({ hasText: TITLE }).waitFor()
      await shot(story, page, 'decisions-notification')
      // '/' focuses the search; j/k move; Enter opens.
      await page.locator('body').click({ position: { x: 5, y: 300 } })
      await page.keyboard.press('/')
      await eventually('search focused', async () => (await page.evaluate('document.activeElement && document.activeElement.id')) === 'decision-search', 3000)
      await page.getByRole('listbox', { name: 'Decisions' }).focus()
      await page.keyboard.press('j')
      await page.keyboard.press('k')
      await page.keyboard.press('Enter')
      await page.getByRole('heading', { name: TITLE, level: 2 }).waitFor()
      expect(new URL(page.url()).pathname === `/decisions/${address}`, `URL after Enter: ${page.url()}`)
      const detail = page.locator('article.detail')
      await detail.getByText('valid — signed by bob').waitFor()
      expect((await detail.locator('img').count()) === 0, 'a remote image was rendered')
      expect((await detail.locator('script').count()) === 0, 'raw HTML was rendered')
      await detail.getByText('<script>alert("raw html")</script>').waitFor()
      await detail.locator('.md-image-blocked').waitFor()
      await detail.locator('.markdown strong').filter({ hasText: 'PostgreSQL' }).waitFor()
      await detail.locator('.markdown table').waitFor()
      await shot(story, page, 'decision-detail-backend')
      // A filter by a pattern that is still being typed never empties the list; a bad one is explained.
      await page.getByLabel('UCXL pattern').fill('bob/archit*')
      await page.getByText("mixes '*' with text").waitFor()
      await page.getByLabel('UCXL pattern').fill('*/architect/billing/**')
      await page.getByText('matching */architect/billing/**').waitFor()
      await page.locator('.decision-row').filter({ hasText: TITLE }).waitFor()
      await shot(story, page, 'decisions-filtered')
    },
  },
  {
    name: 'a new version supersedes the old one: readers see the banner live, the history and the changes',
    timeoutMs: 60_000,
    run: async (story) => {
      const { address } = must(story.published, 'the published decision')
      const bob = must(story.page.bob, 'bob page')
      await nav(bob, 'Decisions')
      await bob.locator('.decision-row').filter({ hasText: TITLE }).click()
      await bob.getByRole('button', { name: 'Publish a new version' }).click()
      await bob.getByRole('heading', { name: 'Publish a new version', level: 1 }).waitFor()
      await eventually('the form starts from the old version', async () => (await bob.getByLabel('Title').inputValue()) === TITLE)
      expect((await bob.getByLabel('Link 1 address').inputValue()) === address, 'the new version does not link to the old one')
      await bob.getByLabel('Status', { exact: true }).selectOption('accepted')
      await bob.getByLabel('Consequences').fill('- Operations run one more database\n- Replays are SQL\n- Backups follow the database')
      await bob.locator('#main').getByRole('button', { name: 'Publish', exact: true }).click()
      await bob.getByRole('heading', { name: 'Published' }).waitFor({ timeout: 30_000 })
      const next = (await text(bob.locator('.publish-result .mono'))).trim()

      const carol = must(story.page.carol, 'carol page')
      const banner = carol.locator('.banner').filter({ hasText: 'Superseded by' })
      await banner.waitFor({ timeout: 20_000 })
      await shot(story, carol, 'decision-superseded-banner')
      await banner.getByRole('link').click()
      expect(new URL(carol.url()).pathname === `/decisions/${next}`, `the banner leads to ${carol.url()}`)
      await carol.locator('article.detail .badge.status-accepted').waitFor()
      await carol.getByRole('button', { name: 'Compare with v1' }).click()
      await carol.locator('.diff .diff-added').filter({ hasText: 'Backups follow the database' }).waitFor()
      await carol.locator('.diff .diff-removed').filter({ hasText: 'status: proposed' }).waitFor()
      await carol.locator('.history li').nth(1).scrollIntoViewIfNeeded()
      await shot(story, carol, 'decision-history-diff')
    },
  },
]
