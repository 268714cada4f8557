// The settings schema, with electron-store's own engine (`conf`, what electron-store extends with Electron's paths)
// standing in for electron-store: the generated JSON Schema is accepted by its Ajv and enforced on writes.
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Conf from 'conf'
import { describe, expect, it, vi } from 'vitest'
import { DEFAULT_SETTINGS, desktopSettingsView, sanitizeSettings, SettingsService, settingsJsonSchema, settingsSchema, settingsStoreOptions, type KeyValueStore } from './settings.ts'

async function confStore(initialFile?: string): Promise<{ store: KeyValueStore; path: string }> {
  const cwd = await mkdtemp(join(tmpdir(), 'bzzz-settings-'))
  const { name, ...options } = settingsStoreOptions()
  if (initialFile !== undefined) await writeFile(join(cwd, `${name}.json`), initialFile)
  const conf = new Conf<Record<string, unknown>>({ ...options, cwd, configName: name, projectName: 'bzzz-test' })
  return { store: conf as unknown as KeyValueStore, path: conf.path }
}

describe('settings schema', () => {
  it('defaults are valid and safe: nothing remembered, nothing launched at login', () => {
    expect(settingsSchema.parse(DEFAULT_SETTINGS)).toEqual({ launchAtLogin: false, theme: 'system', rememberUnlock: false, closeToTrayNoticeShown: false })
  })

  it('keeps valid fields and resets invalid or unknown ones, naming them', () => {
    const { settings, invalid } = sanitizeSettings({ theme: 'dark', launchAtLogin: 'yes', windowBounds: { x: 1, y: 2, width: 10, height: 10, maximized: false }, extra: 1, __internal__: {} })
    expect(settings).toEqual({ ...DEFAULT_SETTINGS, theme: 'dark' })
    expect(invalid.sort()).toEqual(['extra', 'launchAtLogin', 'windowBounds'])
    expect(sanitizeSettings('garbage').settings).toEqual(DEFAULT_SETTINGS)
    expect(sanitizeSettings(null).invalid).toEqual([])
  })

  it('generates one JSON Schema per key without $schema', () => {
    const schema = settingsJsonSchema()
    expect(Object.keys(schema).sort()).toEqual(Object.keys(settingsSchema.shape).sort())
    expect(schema.theme).toEqual({ type: 'string', enum: ['system', 'light', 'dark'] })
    expect(JSON.stringify(schema)).not.toContain('$schema')
  })

  it('the renderer view never carries the remembered key, and says why remembering is unavailable', () => {
    const s = { ...DEFAULT_SETTINGS, rememberUnlock: true, rememberedKey: 'c2VjcmV0' }
    expect(desktopSettingsView(s, { ok: true })).toEqual({ launchAtLogin: false, theme: 'system', rememberUnlock: true, rememberUnlockAvailable: true })
    const refused = desktopSettingsView(s, { ok: false, reason: 'no keyring' })
    expect(refused).toEqual({ launchAtLogin: false, theme: 'system', rememberUnlock: false, rememberUnlockAvailable: false, rememberUnlockUnavailableReason: 'no keyring' })
    expect(JSON.stringify(refused)).not.toContain('c2VjcmV0')
  })
})

describe('settings in the store (conf, the engine of electron-store)', () => {
  it('reads defaults, writes changes durably in a private file', async () => {
    const { store, path } = await confStore()
    const settings = new SettingsService(store)
    expect(settings.get()).toEqual(DEFAULT_SETTINGS)
    const listener = vi.fn()
    settings.onChange(listener)
    settings.update({ theme: 'light', windowBounds: { x: 0, y: 0, width: 800, height: 600, maximized: true } })
    expect(listener).toHaveBeenCalledWith(expect.objectContaining({ theme: 'light' }))
    expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({ theme: 'light', windowBounds: { maximized: true } })
    expect((await stat(path)).mode & 0o777).toBe(0o600)
    settings.update({ rememberedKey: 'abc' })
    settings.update({ rememberedKey: undefined })
    expect(settings.get().rememberedKey).toBeUndefined()
    expect(JSON.parse(await readFile(path, 'utf8'))).not.toHaveProperty('rememberedKey')
  })

  it('refuses an invalid change and writes nothing of it', async () => {
    const { store, path } = await confStore()
    const settings = new SettingsService(store)
    settings.update({ theme: 'dark' })
    const before = await readFile(path, 'utf8')
    expect(() => settings.update({ launchAtLogin: true, theme: 'pink' as never })).toThrow(expect.objectContaining({ code: 'invalid_input', message: expect.stringContaining('theme') }))
    expect(await readFile(path, 'utf8')).toBe(before)
  })

  it('the store itself enforces the generated schema on writes', async () => {
    const { store } = await confStore()
    expect(() => store.set('theme', 'pink')).toThrow(/schema/i)
    expect(() => store.set('windowBounds', { x: 0, y: 0, width: 10, height: 10, maximized: false })).toThrow(/schema/i)
  })

  it('a damaged or hand-edited file does not stop the start: it starts over from the defaults', async () => {
    for (const file of ['{ not json', JSON.stringify({ theme: 42 })]) {
      const log = vi.fn()
      const { store } = await confStore(file)
      const settings = new SettingsService(store, log)
      expect(settings.get()).toEqual(DEFAULT_SETTINGS)
      settings.update({ launchAtLogin: true })
      expect(settings.get().launchAtLogin).toBe(true)
    }
  })
})
