// The desktop app's own settings (not the peer's: those are DIR/config.json). Plain TypeScript, no Electron: the zod
// schema is the one source; electron-store gets the JSON Schema generated from it (so the file is validated on every
// write by electron-store too), and every read goes through `sanitizeSettings`, which keeps each valid field and puts
// each invalid one back to its default, so a hand-edited or older file never stops the app from starting.
import { z } from 'zod'
import { themeSchema, type DesktopSettings } from '../../src-shared/contract/desktop.ts'
import { BzzzError } from '../../src-shared/errors.ts'

export const windowBoundsSchema = z
  .object({
    x: z.number().int(),
    y: z.number().int(),
    width: z.number().int().min(320).max(20_000),
    height: z.number().int().min(240).max(20_000),
    maximized: z.boolean(),
  })
  .strict()
export type WindowBounds = z.infer<typeof windowBoundsSchema>

export const settingsSchema = z
  .object({
    launchAtLogin: z.boolean(),
    theme: themeSchema,
    rememberUnlock: z.boolean(),
    /** The vault key, encrypted by safeStorage (OS keychain), base64. Only while rememberUnlock is on. */
    rememberedKey: z.string().min(1).max(8192).optional(),
    /** "BZZZ keeps running in the tray" was shown once. */
    closeToTrayNoticeShown: z.boolean(),
    windowBounds: windowBoundsSchema.optional(),
  })
  .strict()
export type Settings = z.infer<typeof settingsSchema>
export type SettingKey = keyof Settings

export const DEFAULT_SETTINGS: Settings = { launchAtLogin: false, theme: 'system', rememberUnlock: false, closeToTrayNoticeShown: false }

type JsonSchema = Record<string, unknown>

/** electron-store's `schema` option (JSON Schema 2020-12 per top-level key, what its Ajv expects), from the zod schema. */
export function settingsJsonSchema(): Record<SettingKey, JsonSchema> {
  const out: Record<string, JsonSchema> = {}
  for (const [key, field] of Object.entries(settingsSchema.shape)) {
    const inner = field instanceof z.ZodOptional ? field.unwrap() : field
    const { $schema: _drop, ...schema } = z.toJSONSchema(inner as z.ZodType) as JsonSchema
    out[key] = schema
  }
  return out as Record<SettingKey, JsonSchema>
}

/** Field by field: valid values kept, invalid ones (named in `invalid`) replaced by their default or dropped. */
export function sanitizeSettings(raw: unknown): { settings: Settings; invalid: string[] } {
  const source = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {}
  const settings: Record<string, unknown> = { ...DEFAULT_SETTINGS }
  const invalid: string[] = []
  for (const [key, field] of Object.entries(settingsSchema.shape)) {
    if (!Object.hasOwn(source, key) || source[key] === undefined) continue
    const parsed = (field as z.ZodType).safeParse(source[key])
    if (parsed.success) settings[key] = parsed.data
    else invalid.push(key)
  }
  for (const key of Object.keys(source)) if (!Object.hasOwn(settingsSchema.shape, key) && !key.startsWith('__')) invalid.push(key)
  return { settings: settingsSchema.parse(settings), invalid }
}

/** The part of electron-store (or `conf`, the same engine, in tests) the settings use. */
export interface KeyValueStore {
  readonly store: Record<string, unknown>
  set(key: string, value: unknown): void
  delete(key: string): void
}

/**
 * The options for `new ElectronStore(...)`: the generated schema, the defaults, a private file mode, and a file that
 * is not valid JSON or not valid against the schema starts over from the defaults instead of failing the start.
 */
export function settingsStoreOptions() {
  return {
    name: 'settings',
    schema: settingsJsonSchema(),
    defaults: DEFAULT_SETTINGS,
    clearInvalidConfig: true,
    configFileMode: 0o600,
  }
}

/** The settings, read once and then kept in memory (electron-store reads its file on every access); this process is the only writer. */
export class SettingsService {
  private readonly store: KeyValueStore
  private readonly listeners = new Set<(settings: Settings) => void>()
  private cached: Settings

  constructor(store: KeyValueStore, log?: (message: string, fields: Record<string, unknown>) => void) {
    this.store = store
    const { settings, invalid } = sanitizeSettings(store.store)
    this.cached = settings
    if (invalid.length > 0) log?.('desktop settings with invalid values were reset to their defaults', { keys: invalid })
  }

  get(): Settings {
    return { ...this.cached }
  }

  /** Validates the whole change first (nothing is written when any value is invalid), then writes it. */
  update(patch: Partial<Settings>): Settings {
    const next = { ...this.get(), ...patch }
    const parsed = settingsSchema.safeParse(next)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      throw new BzzzError('invalid_input', `invalid desktop setting ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`)
    }
    for (const key of Object.keys(patch) as SettingKey[]) {
      const value = parsed.data[key]
      if (value === undefined) this.store.delete(key)
      else this.store.set(key, value)
    }
    this.cached = parsed.data
    const settings = this.get()
    for (const listener of this.listeners) listener(settings)
    return settings
  }

  onChange(listener: (settings: Settings) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }
}

/** What the renderer may see of the settings (never the remembered key). */
export function desktopSettingsView(settings: Settings, support: { ok: true } | { ok: false; reason: string }): DesktopSettings {
  return {
    launchAtLogin: settings.launchAtLogin,
    theme: settings.theme,
    rememberUnlock: settings.rememberUnlock && support.ok,
    rememberUnlockAvailable: support.ok,
    ...(support.ok ? {} : { rememberUnlockUnavailableReason: support.reason }),
  }
}
