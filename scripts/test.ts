// npm test: the whole suite, as CI runs it. Lint (with the layer rules), type checks, unit and integration tests
// (vitest), then the browser end-to-end tests. Ends with one summary line of totals, so a run that executed
// nothing is visible.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

interface Step {
  name: string
  ok: boolean
  detail: string
}

const steps: Step[] = []
let passed = 0
let failed = 0
let skipped = 0
const failures: string[] = []
const flaky: string[] = []

function run(name: string, cmd: string, args: string[]): boolean {
  console.log(`\n=== ${name}: ${cmd} ${args.join(' ')}`)
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: process.env })
  const ok = r.status === 0
  steps.push({ name, ok, detail: ok ? 'ok' : `exit ${r.status ?? r.signal}` })
  return ok
}

interface VitestReport {
  numPassedTests: number
  numFailedTests: number
  numPendingTests: number
  numTodoTests: number
  testResults?: Array<{ name: string; assertionResults?: Array<{ fullName: string; status: string; failureMessages?: string[] }> }>
}

function countVitest(file: string): string {
  if (!existsSync(file)) return 'no report'
  const report = JSON.parse(readFileSync(file, 'utf8')) as VitestReport
  for (const suite of report.testResults ?? []) {
    for (const t of suite.assertionResults ?? []) {
      const message = (t.failureMessages?.[0] ?? '').split('\n')[0]!.slice(0, 240)
      const where = `${suite.name.replace(process.cwd() + '/', '')} > ${t.fullName}\n      ${message}`
      // A passed test with failure messages failed first and passed on its retry (vitest.config.ts): flaky.
      if (t.status === 'failed') failures.push(where)
      else if (t.status === 'passed' && (t.failureMessages?.length ?? 0) > 0) flaky.push(where)
    }
  }
  passed += report.numPassedTests
  failed += report.numFailedTests
  skipped += report.numPendingTests + report.numTodoTests
  return `${report.numPassedTests} passed, ${report.numFailedTests} failed, ${report.numPendingTests} skipped`
}

const reports = mkdtempSync(join(tmpdir(), 'bzzz-test-'))
run('lint', 'eslint', ['.'])
run('typecheck', 'npm', ['run', '-s', 'typecheck'])
const unitReport = join(reports, 'unit.json')
run('unit and integration tests', 'vitest', ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${unitReport}`])
steps[steps.length - 1]!.detail += ` (${countVitest(unitReport)})`
if (existsSync('e2e/run.ts')) {
  const e2eReport = join(reports, 'e2e.json')
  run('end-to-end tests (Chromium)', 'node', ['e2e/run.ts', `--report=${e2eReport}`])
  steps[steps.length - 1]!.detail += ` (${countVitest(e2eReport)})`
}

console.log('\n=== summary')
for (const s of steps) console.log(`${s.ok ? 'PASS' : 'FAIL'}  ${s.name}: ${s.detail}`)
// The failing tests again at the very end, so the tail of a long CI log names them.
if (flaky.length > 0) {
  console.log('\npassed only on retry (flaky; see the first failure):')
  for (const f of flaky) console.log(`  ~ ${f}`)
}
if (failures.length > 0) {
  console.log('\nfailed tests:')
  for (const f of failures) console.log(`  ✗ ${f}`)
}
const allOk = steps.every((s) => s.ok)
console.log(`\nTOTAL: ${passed} passed, ${failed} failed, ${skipped} skipped, ${flaky.length} flaky; ${steps.filter((s) => !s.ok).length} step(s) failed`)
if (passed === 0) console.log('FAIL: no test ran')
process.exit(allOk && passed > 0 ? 0 : 1)
