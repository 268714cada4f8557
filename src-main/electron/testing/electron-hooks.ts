// `node --import ./src-main/electron/testing/electron-hooks.ts src-main/electron/main.ts`: every import of 'electron'
// (main.ts's and electron-store's) gets fake-electron.ts. Only the main-process smoke test uses this.
import { registerHooks } from 'node:module'

const fake = new URL('./fake-electron.ts', import.meta.url).href

registerHooks({
  resolve(specifier, context, nextResolve) {
    return specifier === 'electron' ? { url: fake, shortCircuit: true, format: 'module-typescript' } : nextResolve(specifier, context)
  },
})
