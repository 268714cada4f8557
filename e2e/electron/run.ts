// The Electron end-to-end story on its own: `node e2e/electron/run.ts [--report=FILE]` (FILE: a vitest-style JSON
// report, as scripts/test.ts reads). Skipped, with the reason, where the Electron binary is absent.
import { writeReport } from '../lib/harness.ts'
import { runElectronTests } from './electron.ts'

const reportFile = process.argv.find((a) => a.startsWith('--report='))?.slice('--report='.length)
const started = Date.now()
const results = await runElectronTests()
writeReport(reportFile, 'e2e/electron', results, started)
process.exitCode = results.some((r) => r.status === 'failed') ? 1 : 0
