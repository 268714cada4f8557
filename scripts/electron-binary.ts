// Whether the Electron binary is installed (it cannot be downloaded on machines without internet access).
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

/** The Electron executable: BZZZ_ELECTRON_BINARY when set (an Electron installed elsewhere), else the npm package's. */
export function electronBinary(root = process.cwd()): string | undefined {
  const override = process.env.BZZZ_ELECTRON_BINARY
  if (override !== undefined && override !== '') return existsSync(override) ? override : undefined
  const dir = join(root, 'node_modules', 'electron')
  try {
    const rel = readFileSync(join(dir, 'path.txt'), 'utf8').trim()
    const bin = join(dir, 'dist', rel)
    return existsSync(bin) ? bin : undefined
  } catch {
    return undefined
  }
}
