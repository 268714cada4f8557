#!/usr/bin/env node
// The `bzzz` command. The CLI is TypeScript run by Node >= 22.18's type stripping; on an older Node this re-runs
// itself with the Node 22 the project installs (node_modules/.bin/node), or says what is missing.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const entry = fileURLToPath(new URL('../src-main/cli/main.ts', import.meta.url))
const [major, minor] = process.versions.node.split('.').map(Number)
if (major > 22 || (major === 22 && minor >= 18)) {
  await import(entry)
} else {
  const local = fileURLToPath(new URL('../node_modules/.bin/node', import.meta.url))
  if (!existsSync(local)) {
    process.stderr.write(`bzzz: needs Node >= 22.18 (this is ${process.version}); run 'npm install' in the checkout or install Node 22\n`)
    process.exit(1)
  }
  const r = spawnSync(local, [entry, ...process.argv.slice(2)], { stdio: 'inherit' })
  process.exit(r.status ?? 1)
}
