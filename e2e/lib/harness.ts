// A small sequential test runner for the end-to-end story: each step is a named test; a step that fails marks the
// dependent steps after it as skipped (they would only fail for the same reason). Writes the vitest-style JSON report
// scripts/test.ts reads (numPassedTests, numFailedTests, numPendingTests) and prints a totals line.
import { writeFileSync } from 'node:fs'

export interface Step<C> {
  name: string
  run: (ctx: C) => Promise<void>
  timeoutMs?: number
  /** Runs even when an earlier step failed (independent checks). */
  independent?: boolean
}

export interface StepResult {
  title: string
  status: 'passed' | 'failed' | 'pending'
  duration: number
  failureMessages: string[]
}

function withTimeout<T>(p: Promise<T>, ms: number, name: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`step timed out after ${ms} ms: ${name}`)), ms)
    }),
  ])
}

export async function runSteps<C>(steps: Step<C>[], ctx: C, onFailure?: (step: string, err: unknown) => Promise<void>): Promise<StepResult[]> {
  const results: StepResult[] = []
  let broken: string | undefined
  for (const step of steps) {
    if (broken !== undefined && step.independent !== true) {
      results.push({ title: step.name, status: 'pending', duration: 0, failureMessages: [`skipped: '${broken}' failed`] })
      console.log(`  - ${step.name} (skipped: '${broken}' failed)`)
      continue
    }
    const started = Date.now()
    try {
      await withTimeout(step.run(ctx), step.timeoutMs ?? 60_000, step.name)
      const duration = Date.now() - started
      results.push({ title: step.name, status: 'passed', duration, failureMessages: [] })
      console.log(`  ✓ ${step.name} (${duration} ms)`)
    } catch (err) {
      const duration = Date.now() - started
      const message = err instanceof Error ? (err.stack ?? err.message) : String(err)
      results.push({ title: step.name, status: 'failed', duration, failureMessages: [message] })
      console.log(`  ✗ ${step.name} (${duration} ms)\n${message.split('\n').map((l) => `      ${l}`).join('\n')}`)
      broken ??= step.name
      await onFailure?.(step.name, err).catch(() => undefined)
    }
  }
  return results
}

export function writeReport(file: string | undefined, suite: string, results: StepResult[], startTime: number): void {
  const count = (s: StepResult['status']) => results.filter((r) => r.status === s).length
  const report = {
    numTotalTests: results.length,
    numPassedTests: count('passed'),
    numFailedTests: count('failed'),
    numPendingTests: count('pending'),
    numTodoTests: 0,
    numTotalTestSuites: 1,
    numPassedTestSuites: count('failed') === 0 ? 1 : 0,
    numFailedTestSuites: count('failed') === 0 ? 0 : 1,
    numPendingTestSuites: 0,
    startTime,
    success: count('failed') === 0,
    testResults: [
      {
        name: suite,
        status: count('failed') === 0 ? 'passed' : 'failed',
        startTime,
        endTime: Date.now(),
        message: '',
        assertionResults: results.map((r) => ({ ancestorTitles: [], fullName: r.title, title: r.title, status: r.status, duration: r.duration, failureMessages: r.failureMessages })),
      },
    ],
  }
  if (file !== undefined) writeFileSync(file, JSON.stringify(report, null, 2))
  console.log(`\ne2e: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${report.numPendingTests} skipped (${Math.round((Date.now() - startTime) / 1000)} s)`)
}

/** A failed expectation with a readable message. */
export function expect(cond: unknown, message: string): asserts cond {
  if (!cond) throw new Error(message)
}

export async function eventually(what: string, cond: () => Promise<boolean> | boolean, timeoutMs = 15_000, everyMs = 100): Promise<void> {
  const end = Date.now() + timeoutMs
  for (;;) {
    if (await cond()) return
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, everyMs))
  }
}
