// The product version, from package.json (works from source and in the Electron bundle alike).
import pkg from '../../package.json' with { type: 'json' }

export const VERSION: string = pkg.version
