// The typed client is part of the package's public surface: `import { ApiClient } from 'bzzz-desktop/client'`.
import { execFile } from 'node:child_process'
import { resolve } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const root = resolve(import.meta.dirname, '..')

describe('package exports', () => {
  it("exports the typed HTTP client as 'bzzz-desktop/client'", async () => {
    const script = "const m = await import('bzzz-desktop/client'); console.log(JSON.stringify({ client: typeof m.ApiClient, fromDataDir: typeof m.ApiClient.fromDataDir, call: typeof m.ApiClient.prototype.call }))"
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { cwd: root })
    expect(JSON.parse(stdout)).toEqual({ client: 'function', fromDataDir: 'function', call: 'function' })
  })
})
