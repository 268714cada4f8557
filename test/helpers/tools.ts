// External tools the integration tests use. In CI (.ci/run installs them) a missing tool fails the run;
// on a developer machine the test is skipped with a line saying why, so a skip is never silent.
import { execFileSync } from 'node:child_process'

export function hasTool(name: string, args = ['--version']): boolean {
  try {
    execFileSync(name, args, { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

export function requireTool(name: string, args?: string[]): boolean {
  if (hasTool(name, args)) return true
  if (process.env.CI) throw new Error(`'${name}' is not installed; .ci/run installs it (apt-get install -y ${name})`)
  console.warn(`SKIPPED: tests needing '${name}' (not installed; apt-get install -y ${name})`)
  return false
}
