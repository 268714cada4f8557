// The hardened BrowserWindow options (Electron security checklist). A plain function so a test can assert every
// option without the Electron binary.
export interface SecureWindowOptions {
  width: number
  height: number
  minWidth: number
  minHeight: number
  show: boolean
  title: string
  backgroundColor: string
  webPreferences: {
    preload: string
    contextIsolation: true
    sandbox: true
    nodeIntegration: false
    nodeIntegrationInWorker: false
    nodeIntegrationInSubFrames: false
    webSecurity: true
    allowRunningInsecureContent: false
    experimentalFeatures: false
    webviewTag: false
    navigateOnDragDrop: false
    spellcheck: boolean
    devTools: boolean
  }
}

export function secureWindowOptions(preloadPath: string, opts: { devTools: boolean }): SecureWindowOptions {
  return {
    width: 1200,
    height: 800,
    minWidth: 720,
    minHeight: 480,
    show: false,
    title: 'BZZZ',
    backgroundColor: '#111418',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: true,
      devTools: opts.devTools,
    },
  }
}

/** The renderer's Content-Security-Policy: only our own bundle, no remote anything, no eval. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ')
