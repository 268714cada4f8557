// Builds the renderer (npm run build:ui) when out/renderer is missing or older than its sources: npm start and the
// end-to-end tests call this, so a fresh checkout never serves a stale or missing UI.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'

export const ROOT = resolve(import.meta.dirname, '..')

function newest(dir: string): number {
  let t = 0
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name)
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs)
  }
  return t
}

/** True when the built UI is missing or older than src-renderer, src-shared or the build config. */
export function uiBuildStale(root = ROOT): boolean {
  const index = join(root, 'out/renderer/index.html')
  if (!existsSync(index)) return true
  const sources = Math.max(newest(join(root, 'src-renderer')), newest(join(root, 'src-shared')), statSync(join(root, 'vite.renderer.config.ts')).mtimeMs)
  return statSync(index).mtimeMs < sources
}

export function ensureUiBuilt(root = ROOT, log: (line: string) => void = console.log): void {
  if (!uiBuildStale(root)) return
  log('Building the UI (npm run build:ui)…')
  const r = spawnSync(process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', join(root, 'vite.renderer.config.ts'), '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' })
  if (r.status !== 0) throw new Error('the UI build failed (npm run build:ui shows why)')
}
