// The layer rules are lint rules; this proves each one fires (and that allowed imports pass), so a config change
// that silently disables them fails here.
import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'

const eslint = new ESLint({ cwd: process.cwd() })

async function violations(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath })
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-globals').map((m) => m.message)
}

describe('layer import rules', () => {
  it.each([
    ['src-renderer/screens/X.tsx', "import { Peer } from '../../src-main/core/peer.ts'\nexport const x = Peer", /Transport/],
    ['src-renderer/X.ts', "import { readFile } from 'node:fs'\nexport const x = readFile", /Transport/],
    ['src-renderer/X.ts', "import { ipcRenderer } from 'electron'\nexport const x = ipcRenderer", /Transport/],
    ['src-renderer/X.ts', "import x from '../src-preload/index.ts'\nexport const y = x", /Transport/],
    ['src-main/core/x/y.ts', "import { app } from 'electron'\nexport const x = app", /only src-main\/electron/],
    ['src-main/core/x/y.ts', "import { w } from '../../electron/window-options.ts'\nexport const x = w", /only src-main\/electron/],
    ['src-main/api/y.ts', "import { app } from 'electron'\nexport const x = app", /only src-main\/electron/],
    ['src-main/cli/y.ts', "import { app } from 'electron'\nexport const x = app", /only src-main\/electron/],
    ['src-shared/x.ts', "import { createHash } from 'node:crypto'\nexport const x = createHash", /src-shared is the contract/],
    ['src-shared/x.ts', "import { createHash } from 'crypto'\nexport const x = createHash", /src-shared is the contract/],
    ['src-shared/x.ts', "import { Peer } from '../src-main/core/peer.ts'\nexport const x = Peer", /src-shared is the contract/],
    ['src-shared/x.ts', 'export const x = Buffer.from("a")', /Buffer/],
    ['src-shared/x.ts', 'export const x = window.location', /window/],
    ['src-preload/x.ts', "import { Peer } from '../src-main/core/peer.ts'\nexport const x = Peer", /preload exposes/],
  ])('%s: forbidden import is reported', async (file, code, message) => {
    const found = await violations(file, code)
    expect(found.length, `no violation for ${file}`).toBeGreaterThan(0)
    expect(found.join('\n')).toMatch(message)
  })

  it.each([
    ['src-renderer/X.ts', "import { ROLES } from '../src-shared/roles.ts'\nexport const x = ROLES"],
    ['src-main/core/x/y.ts', "import { readFile } from 'node:fs'\nimport { ROLES } from '../../../src-shared/roles.ts'\nexport const x = [readFile, ROLES]"],
    ['src-main/core/election/y.ts', "import { x } from '../election/z.ts'\nexport const y = x"],
    ['src-main/electron/x.ts', "import { app } from 'electron'\nimport { Peer } from '../core/peer.ts'\nexport const x = [app, Peer]"],
    ['src-preload/x.ts', "import { contextBridge } from 'electron'\nexport const x = contextBridge"],
  ])('%s: allowed import passes', async (file, code) => {
    expect(await violations(file, code)).toEqual([])
  })
})
