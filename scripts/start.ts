// npm start: the product's main job. With the Electron binary: build and launch the desktop app. Without it (machines
// that cannot download it): the headless peer serving the UI to a browser, printing its address.
import { spawnSync } from 'node:child_process'
import { electronBinary } from './electron-binary.ts'

const bin = electronBinary()
if (bin !== undefined) {
  const build = spawnSync('electron-vite', ['build'], { stdio: 'inherit' })
  if (build.status !== 0) process.exit(build.status ?? 1)
  const r = spawnSync(bin, ['.'], { stdio: 'inherit' })
  process.exit(r.status ?? 0)
}
console.log('The Electron binary is not installed here (it cannot be downloaded on this machine).')
console.log('Create a network from the command line instead:')
console.log('  npm run -s bzzz -- init --data-dir ~/.bzzz')
process.exit(0)
