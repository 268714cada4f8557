// Reading the peer's configuration file (DIR/config.json). An invalid value names the key and the reason, and the
// peer does not start half-configured.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { configSchema, type Config, type ConfigInput } from '../../../src-shared/config.ts'
import { BzzzError } from '../../../src-shared/errors.ts'

export const CONFIG_FILE = 'config.json'

export async function readConfigFile(dataDir: string): Promise<ConfigInput> {
  const path = join(dataDir, CONFIG_FILE)
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {}
    throw err
  }
  try {
    return JSON.parse(text) as ConfigInput
  } catch {
    throw new BzzzError('invalid_input', `${path} is not valid JSON; fix it or delete it to use the defaults`)
  }
}

/** Merges file and overrides (flags), then validates the whole; errors name the key. */
export function resolveConfig(file: ConfigInput, overrides: ConfigInput, source = 'configuration'): Config {
  const merged = { ...file, ...Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)) }
  const r = configSchema.safeParse(merged)
  if (!r.success) {
    const issue = r.error.issues[0]
    throw new BzzzError('invalid_input', `invalid ${source}: ${issue?.path.join('.') || 'value'}: ${issue?.message ?? 'invalid'}`)
  }
  return r.data
}
