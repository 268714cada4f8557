// End-to-end: the React app in Debian's Chromium (playwright-core) against a real network of `bzzz peer` processes
// started here. One story, step by step: create a network, invite and join, publish, locked vs readable, the peers
// graph, settings, then the admin is killed and the Elections and Custody screens follow the failover.
//
//   node e2e/run.ts [--report=FILE]     (npm test runs it; FILE gets a vitest-style JSON report)
//
// Screenshots of every screen go to e2e-artifacts/. Without /usr/bin/chromium the browser story is skipped with a
// message, except in CI (CI=true), where that is a failure. Then the desktop app's story (e2e/electron/), skipped
// with the reason where the Electron binary is absent.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ensureUiBuilt, ROOT } from '../scripts/ui-build.ts'
import { runElectronTests } from './electron/electron.ts'
import { BrowserSession, CHROMIUM } from './lib/browser.ts'
import { expect, runSteps, writeReport, type Step, type StepResult } from './lib/harness.ts'
import { PeerFleet } from './lib/peers.ts'
import type { Story } from './steps/context.ts'
import { decisionSteps } from './steps/decisions.ts'
import { failoverSteps } from './steps/failover.ts'
import { npmStartSteps } from './steps/npm-start.ts'
import { onboardingSteps } from './steps/onboarding.ts'
import { peerSteps } from './steps/peers.ts'
import { servingSteps } from './steps/serving.ts'

const ARTIFACTS = join(ROOT, 'e2e-artifacts')
const reportFile = process.argv.find((a) => a.startsWith('--report='))?.slice('--report='.length)
const started = Date.now()

const checks: Step<Story>[] = [
  {
    name: 'no page violated the Content-Security-Policy or threw',
    independent: true,
    run: async (story) => {
      expect(story.browser.problems.csp.length === 0, `CSP violations:\n${story.browser.problems.csp.join('\n')}`)
      expect(story.browser.problems.errors.length === 0, `page errors:\n${story.browser.problems.errors.join('\n')}`)
    },
  },
]
const steps: Step<Story>[] = [...servingSteps, ...onboardingSteps, ...decisionSteps, ...peerSteps, ...failoverSteps, ...npmStartSteps, ...checks]

/** The browser story; without Chromium: skipped with a visible line, or failed in CI. */
async function browserStory(): Promise<StepResult[]> {
  console.log('=== e2e: the UI in Chromium against real headless peers')
  if (!existsSync(CHROMIUM)) {
    const why = `Chromium not found at ${CHROMIUM} (apt-get install -y chromium)`
    if (process.env.CI) {
      console.log(`FAIL: ${why}; CI must run the end-to-end tests`)
      return [{ title: 'Chromium is installed', status: 'failed', duration: 0, failureMessages: [why] }]
    }
    console.log(`SKIPPED: ${why}. The ${steps.length} browser steps did not run.`)
    return steps.map((s) => ({ title: s.name, status: 'pending' as const, duration: 0, failureMessages: [`skipped: ${why}`] }))
  }
  ensureUiBuilt(ROOT, (line) => console.log(`e2e: ${line}`))
  rmSync(ARTIFACTS, { recursive: true, force: true })
  mkdirSync(ARTIFACTS, { recursive: true })

  const fleet = new PeerFleet(await mkdtemp(join(tmpdir(), 'bzzz-e2e-')))
  let browser: BrowserSession | undefined
  let results: StepResult[] = []
  const hardStop = setTimeout(() => {
    console.log('e2e: the browser story took longer than 5 minutes; stopping')
    void fleet.cleanup().finally(() => process.exit(1))
  }, 5 * 60_000)
  hardStop.unref()
  try {
    // Five fresh peers at once (they serve the API before onboarding); dave asks before releasing a key share.
    const [alice, bob, carol, dave, erin] = await Promise.all([
      fleet.start('alice'),
      fleet.start('bob'),
      fleet.start('carol'),
      fleet.start('dave', { custody: { policy: 'ask' } }),
      fleet.start('erin'),
    ])
    browser = await BrowserSession.launch()
    const story: Story = { fleet, browser, artifacts: ARTIFACTS, peer: { alice, bob, carol, dave, erin }, page: {}, screenshots: [] }
    results = await runSteps(steps, story, async (name) => {
      const slug = name.replace(/[^a-z0-9]+/gi, '-').slice(0, 40)
      for (const [who, page] of Object.entries(story.page)) await page?.screenshot({ path: join(ARTIFACTS, `failure-${slug}-${who}.png`) }).catch(() => undefined)
      writeFileSync(join(ARTIFACTS, 'peer-logs.txt'), fleet.logTail(80))
    })
    console.log(`\nscreenshots: ${story.screenshots.length} in ${ARTIFACTS}`)
  } catch (err) {
    const message = err instanceof Error ? (err.stack ?? err.message) : String(err)
    console.log(`e2e setup failed: ${message}`)
    results.push({ title: 'set up peers and browser', status: 'failed', duration: 0, failureMessages: [message] })
    writeFileSync(join(ARTIFACTS, 'peer-logs.txt'), fleet.logTail(80))
  } finally {
    if (process.env.E2E_PEER_LOG !== undefined) writeFileSync(join(ARTIFACTS, 'peer-logs-full.txt'), fleet.logTail(1_000_000))
    await browser?.close()
    await fleet.cleanup()
    clearTimeout(hardStop)
  }
  return results
}

const results = await browserStory()
// The desktop app's own story (Playwright _electron): skipped, with the reason, where its binary is absent.
results.push(...(await runElectronTests()))
writeReport(reportFile, 'e2e/run.ts', results, started)
process.exitCode = results.some((r) => r.status === 'failed') ? 1 : 0
