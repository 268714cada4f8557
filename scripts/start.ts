// npm start: the product's main job. With the Electron binary: build and launch the desktop app. Without it (machines
// that cannot download it): the headless peer serving the UI to a browser, printing its address.
import { spawnSync } from 'node:child_process'
import { electronBinary } from './electron-binary.ts'

const bin = electronBinary()
if (bin !== undefined) {
  // The desktop app: build the three bundles, then run Electron on this directory (package.json "main").
  // BZZZ_DATA_DIR picks the peer's directory as for the CLI; by default it lives in Electron's userData.
  const build = spawnSync('electron-vite', ['build'], { stdio: 'inherit' })
  if (build.status !== 0) process.exit(build.status ?? 1)
  // Chromium refuses to run as root with its OS sandbox (containers, CI); the renderer stays sandboxed by Electron.
  const args = ['.', ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), ...process.argv.slice(2)]
  const r = spawnSync(bin, args, { stdio: 'inherit' })
  process.exit(r.status ?? 0)
}
// No Electron binary: the headless peer serves the UI to a browser and prints the link (scripts/start-headless.ts).
const { startHeadless } = await import('./start-headless.ts')
try {
  await startHeadless()
  process.exit(0)
} catch (err) {
  console.error(`npm start: ${err instanceof Error ? err.message : String(err)}`)
  process.exit(1)
}
