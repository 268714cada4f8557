// The admin is killed. The Elections screen follows the election live, the new admin's Custody screen shows the key
// being rebuilt ("3 of 3"), a custodian who asked to be asked approves the request in the UI, and the admin's own
// page says it is reconnecting.
import type { Step } from '../lib/harness.ts'
import { eventually, expect } from '../lib/harness.ts'
import { must, nav, shot, statusItem, text, type Person, type Story } from './context.ts'

export const failoverSteps: Step<Story>[] = [
  {
    name: 'the admin is killed; elections and custody follow the failover live',
    timeoutMs: 120_000,
    run: async (story) => {
      const bob = must(story.page.bob, 'bob page')
      const erin = await story.browser.page('erin')
      story.page.erin = erin
      await erin.goto(must(story.peer.erin, 'erin').link('/custody'))
      await erin.getByRole('heading', { name: 'Key custody', level: 1 }).waitFor()
      await nav(bob, 'Elections')
      await eventually('the founding admin shown', async () => (await text(bob.getByTestId('election-admin'))).includes('alice'))
      await shot(story, bob, 'elections-before')
      for (const who of ['carol', 'dave'] as const) await nav(must(story.page[who], who), 'Custody')
      await shot(story, must(story.page.dave, 'dave page'), 'custody-before')

      const killedAt = Date.now()
      await must(story.peer.alice, 'alice').kill('SIGKILL')

      const alicePage = must(story.page.alice, 'alice page')
      await eventually('alice\'s page says it is reconnecting', async () => /Reconnecting|Connecting/.test(await text(statusItem(alicePage, 'connection'))), 15_000)
      await shot(story, alicePage, 'admin-killed-reconnecting')

      await eventually('a new admin on the Elections screen', async () => {
        const admin = await text(bob.getByTestId('election-admin'))
        return admin.trim() !== '' && !admin.includes('alice') && !admin.includes('none')
      }, 45_000, 200)
      const term = Number(await text(bob.getByTestId('election-term')))
      expect(term >= 1, `term after the failover: ${term}`)
      const winner = (await text(bob.getByTestId('election-admin'))).trim()
      expect(['bob', 'carol', 'erin'].includes(winner), `winner: ${winner}`)
      await bob.locator('.timeline .step-leader_elected').first().waitFor({ timeout: 15_000 })
      await shot(story, bob, 'elections-after-failover')
      console.log(`    failover: ${winner} is admin for term ${term}, ${Date.now() - killedAt} ms after the kill`)

      const winnerPage = must(story.page[winner as Person], `${winner}'s page`)
      await nav(winnerPage, 'Custody')
      const count = winnerPage.getByTestId('recovery-count')
      await eventually('the winner rebuilt the admin key (3 of 3)', async () => (await text(count)).includes('3 of 3'), 30_000, 200)
      await winnerPage.getByText('Admin key rebuilt and verified').waitFor({ timeout: 15_000 })
      await shot(story, winnerPage, 'custody-recovery-winner')
      await eventually('the status bar names the new admin', async () => (await text(statusItem(winnerPage, 'sb-admin'))).includes(winner), 15_000)
    },
  },
  {
    name: 'a custodian with the "ask" policy sees the certified request and approves it in the UI',
    timeoutMs: 60_000,
    run: async (story) => {
      const dave = must(story.page.dave, 'dave page')
      const card = dave.locator('.request').first()
      await card.waitFor({ timeout: 20_000 })
      const body = await text(card)
      expect(/asks for your share/.test(body) && /Certified by/.test(body) && /Term/.test(body) && /Expires/.test(body), `request card: ${body}`)
      await shot(story, dave, 'custody-request-pending')
      const approve = card.getByRole('button', { name: 'Approve and release my share' })
      if (await approve.isVisible()) {
        await approve.click()
        await eventually('the request is released', async () => /released/.test(await text(card.locator('.badge'))), 15_000)
      }
      await shot(story, dave, 'custody-request-released')
      // The architect's audit trail shows its own automatic release (or, if it won, the recovery).
      const erin = must(story.page.erin, 'erin page')
      await erin.getByTestId('audit-trail').getByText(/Share released|Admin key recovered/).first().waitFor({ timeout: 15_000 })
      await shot(story, erin, 'custody-audit-trail')
    },
  },
  {
    name: 'the new admin starts an election from the Elections screen',
    timeoutMs: 60_000,
    run: async (story) => {
      const admin = (await must(story.peer.bob, 'bob').api('GET', '/api/election')).json.admin as Person
      const page = must(story.page[admin], `${admin}'s page`)
      await nav(page, 'Elections')
      const before = Number(await text(page.getByTestId('election-term')))
      const button = page.getByRole('button', { name: 'Start an election' })
      expect(await button.isEnabled(), 'the admin cannot start an election')
      await button.click()
      await eventually('a new term with an admin', async () => {
        const term = Number(await text(page.getByTestId('election-term')))
        const who = (await text(page.getByTestId('election-admin'))).trim()
        return term > before && who !== '' && who !== 'none'
      }, 30_000, 200)
      await page.locator('.timeline .step-step_down').first().waitFor()
      await shot(story, page, 'elections-triggered')
      // Another member sees the button disabled, with the reason.
      const dave = must(story.page.dave, 'dave page')
      await nav(dave, 'Elections')
      expect(await dave.getByRole('button', { name: 'Start an election' }).isDisabled(), 'an observer may start an election')
      await dave.getByText('triggering an election is not allowed for observer').waitFor()
    },
  },
]
