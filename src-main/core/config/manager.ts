// The config manager: one typed configuration (src-shared/config.ts) from three layers, later ones winning:
//   1. the file DIR/config.json,
//   2. the environment: one BZZZ_* variable per setting (keys.ts: BZZZ_API_PORT, BZZZ_LOG_LEVEL, BZZZ_BOOTSTRAP as a
//      comma list, BZZZ_MDNS=false, BZZZ_CACHE_ENTRIES, BZZZ_RATE_LIMITS_DECISIONS_PER_MINUTE, ...),
//   3. flags (bzzz peer --listen/--bootstrap/--api/--relay/--no-mdns/--log-level/--set KEY=VALUE).
// The whole is validated before a peer starts: the first bad value is named with its source, key and reason.
// Changing one key (config.set, bzzz config set) validates, writes DIR/config.json atomically, applies at runtime
// what can be applied and says what needs a restart; an invalid value writes nothing.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { configSchema, type Config, type ConfigInput } from '../../../src-shared/config.ts'
import { BzzzError } from '../../../src-shared/errors.ts'
import type { AuditLog } from '../audit/audit-log.ts'
import type { Peer } from '../peer.ts'
import { writeFileAtomic } from '../store/atomic-file.ts'
import { CONFIG_FILE } from './load.ts'
import { configFromEnv, envOf, firstIssue, getPath, layerProvides, leavesOf, mergeLayers, parseKey, RUNTIME_KEYS, withPath, CONFIG_KEYS } from './keys.ts'

export interface LoadedConfig {
  config: Config
  /** The environment and flag layers merged: what wins over the file. */
  overrides: ConfigInput
  /** BZZZ_* variables that name no setting (probably typos). */
  unknownEnv: string[]
}

export function configPath(dataDir: string): string {
  return join(dataDir, CONFIG_FILE)
}

/** DIR/config.json as a plain object ({} when there is none). */
export async function readConfigObject(dataDir: string): Promise<Record<string, unknown>> {
  const path = configPath(dataDir)
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {}
    throw err
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw new BzzzError('invalid_input', `invalid ${path}: not valid JSON; fix it or delete it to use the defaults`)
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new BzzzError('invalid_input', `invalid ${path}: expected a JSON object of settings`)
  return value as Record<string, unknown>
}

/** Merges file, environment and flags (flags win) and validates the whole; the error names source, key and reason. */
/** `defaults` are the host's own defaults under the file (the desktop app asks its user before releasing a share). */
export async function loadConfig(opts: { dataDir: string; env?: Record<string, string | undefined>; flags?: ConfigInput; defaults?: ConfigInput }): Promise<LoadedConfig> {
  const file = (await readConfigObject(opts.dataDir)) as ConfigInput
  const { layer: env, unknown } = configFromEnv(opts.env ?? {})
  const flags = opts.flags ?? {}
  const r = configSchema.safeParse(mergeLayers(opts.defaults ?? {}, file, env, flags))
  if (!r.success) {
    const issue = firstIssue(r.error)
    const source = layerProvides(flags, issue.path)
      ? 'flag'
      : layerProvides(env, issue.path)
        ? `environment variable ${envOf(issue.path) ?? 'BZZZ_*'}`
        : configPath(opts.dataDir)
    throw new BzzzError('invalid_input', `invalid ${source}: ${issue.key}: ${issue.message}; the peer was not started`)
  }
  return { config: r.data, overrides: mergeLayers(env, flags), unknownEnv: unknown }
}

/** The flag layer of `--set KEY=VALUE` pairs (VALUE already parsed). */
export function configFromPairs(pairs: readonly [string, unknown][]): ConfigInput {
  let layer: Record<string, unknown> = {}
  for (const [key, value] of pairs) layer = withPath(layer, parseKey(key), value)
  return layer as ConfigInput
}

export interface FileChange {
  key: string
  /** The file's settings after the change, resolved with defaults. */
  config: Config
}

/**
 * Sets (or, with null, removes) one dotted key in DIR/config.json: validates the resulting file before anything is
 * written, then replaces it atomically. Errors name the key and the reason; nothing is written then.
 */
export async function setConfigFileKey(dataDir: string, key: string, value: unknown): Promise<FileChange> {
  const path = parseKey(key)
  const dotted = path.join('.')
  const before = await readConfigObject(dataDir)
  const after = withPath(before, path, value === null ? undefined : value)
  const r = configSchema.safeParse(after)
  if (!r.success) {
    const issue = firstIssue(r.error)
    const own = issue.key === dotted || issue.key.startsWith(`${dotted}.`)
    throw new BzzzError(
      'invalid_input',
      own ? `invalid value for ${issue.key}: ${issue.message}; nothing was written` : `${configPath(dataDir)} is already invalid at ${issue.key}: ${issue.message}; fix that first; nothing was written`,
    )
  }
  await writeFileAtomic(configPath(dataDir), `${JSON.stringify(after, null, 2)}\n`, 0o600)
  return { key: dotted, config: r.data }
}

/** The leaves whose values differ between two configurations, restricted to those under `key`. */
export function changedLeaves(before: Config, after: Config, key: string): string[] {
  return leavesOf(key)
    .filter((k) => JSON.stringify(getPath(before, k.path)) !== JSON.stringify(getPath(after, k.path)))
    .map((k) => k.key)
}

export interface ConfigChange {
  key: string
  config: Config
  previous: Config
  /** Leaves whose effective value changed. */
  changed: string[]
  /** Of those, the ones that take effect only after a restart. */
  restartRequired: string[]
  /** The environment or a flag sets this key, so the new file value does not apply while it does. */
  overridden: boolean
}

export class ConfigManager {
  readonly dataDir: string
  private effective: Config
  private readonly overrides: ConfigInput
  private queue: Promise<unknown> = Promise.resolve()
  private readonly listeners = new Set<(change: ConfigChange) => void>()

  constructor(opts: { dataDir: string; config: Config; overrides?: ConfigInput }) {
    this.dataDir = opts.dataDir
    this.effective = opts.config
    this.overrides = opts.overrides ?? {}
  }

  /** The effective configuration (file, environment and flags). Replaced, never mutated, on every change. */
  get current(): Config {
    return this.effective
  }

  /** One dotted key's effective value, or the whole configuration. */
  get(key?: string): unknown {
    return key === undefined ? this.effective : getPath(this.effective, parseKey(key))
  }

  /** Listeners run after each change, with the new configuration in place. */
  onChange(listener: (change: ConfigChange) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Validates, writes DIR/config.json, updates the effective configuration and tells the listeners. Serialized. */
  set(key: string, value: unknown): Promise<ConfigChange> {
    const run = this.queue.then(() => this.apply(key, value))
    this.queue = run.catch(() => undefined)
    return run
  }

  private async apply(key: string, value: unknown): Promise<ConfigChange> {
    const path = parseKey(key)
    const dotted = path.join('.')
    const { config: fileConfig } = await setConfigFileKey(this.dataDir, dotted, value)
    const previous = this.effective
    const overridden = layerProvides(this.overrides, path)
    // The new value as the file now resolves it (defaults filled in for a removed key or a partial group).
    const next = overridden ? previous : configSchema.parse(withPath(previous as Record<string, unknown>, path, getPath(fileConfig, path)))
    this.effective = next
    const changed = changedLeaves(previous, next, dotted)
    const change: ConfigChange = { key: dotted, config: next, previous, changed, restartRequired: changed.filter((k) => !RUNTIME_KEYS.has(k)), overridden }
    for (const listener of this.listeners) listener(change)
    return change
  }
}

/** A change to the file of a stopped peer: everything takes effect when the peer starts. */
export async function setConfigOffline(dataDir: string, key: string, value: unknown): Promise<ConfigChange> {
  const before = configSchema.safeParse(await readConfigObject(dataDir))
  const previous = before.success ? before.data : configSchema.parse({})
  const { key: dotted, config } = await setConfigFileKey(dataDir, key, value)
  return { key: dotted, config, previous, changed: changedLeaves(previous, config, dotted), restartRequired: [], overridden: false }
}

/** Applies what a running peer can change without a restart: log level, cache size and TTL, replicas. */
export function applyRuntimeConfig(peer: Peer): void {
  const c = peer.config
  const setLevel = (peer.log as { setLevel?: (level: Config['logLevel']) => void }).setLevel
  setLevel?.(c.logLevel)
  peer.decisions.updateSettings({ replicas: c.replicas, cacheEntries: c.cache.entries, cacheTtlSeconds: c.cache.ttlSeconds })
  peer.network?.updateSettings({ replicas: c.replicas })
}

/** The audit entry of a configuration change: the key and what needs a restart (settings hold no secrets). */
export async function auditConfigChange(audit: AuditLog, change: { key: string; changed: string[]; restartRequired: string[]; overridden?: boolean }, actor: string | undefined, via: string): Promise<void> {
  await audit.append(
    'config_changed',
    { key: change.key, changed: change.changed, restartRequired: change.restartRequired.length > 0, ...(change.overridden ? { overridden: true } : {}), via },
    actor,
  )
}

/** BZZZ_* variables of this environment that would override settings of a peer started from it. */
export function envOverridesIn(env: Record<string, string | undefined>): string[] {
  return CONFIG_KEYS.filter((k) => (env[k.env] ?? '').trim() !== '').map((k) => k.env)
}
