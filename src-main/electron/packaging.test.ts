// Packaging without packaging (electron-builder needs to download Electron): the config is valid against
// electron-builder's own JSON schema and says what the README says; the committed icons are exactly what the icon
// code draws, in the sizes each platform needs.
import { existsSync, readFileSync } from 'node:fs'
import { mkdtemp, readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { writeIcons } from '../../resources/generate-icons.ts'
import { allIcons, TRAY_VARIANTS } from '../../resources/icons.ts'
import type { TrayIcon } from './tray-state.ts'

const root = join(import.meta.dirname, '../..')
const require = createRequire(import.meta.url)
const yaml = require('js-yaml') as { load(text: string): unknown }
const config = yaml.load(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as Record<string, any>

function pngSize(png: Buffer): { width: number; height: number; rgba: boolean } {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]))
  expect(png.subarray(12, 16).toString('latin1')).toBe('IHDR')
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20), rgba: png[25] === 6 }
}

describe('electron-builder config', () => {
  it("is valid against electron-builder's schema", () => {
    const schema = JSON.parse(readFileSync(require.resolve('app-builder-lib/scheme.json'), 'utf8')) as object
    // The Ajv electron-builder itself validates with (its own dependency, not whatever version is hoisted).
    type Validate = ((data: unknown) => boolean) & { errors?: unknown[] | null }
    const Ajv = createRequire(require.resolve('app-builder-lib/package.json'))('ajv') as { default: new (opts: object) => { compile(schema: object): Validate } }
    const ajv = new Ajv.default({ strict: false, allErrors: true })
    const validate = ajv.compile(schema)
    const valid = validate(config)
    expect(validate.errors ?? [], JSON.stringify(validate.errors?.slice(0, 3))).toEqual([])
    expect(valid).toBe(true)
    // ...and the validator does refuse what electron-builder would refuse.
    expect(validate({ ...config, asarUnpackk: ['**/*.node'] })).toBe(false)
    expect(validate({ ...config, linux: { ...config.linux, target: 42 } })).toBe(false)
  })

  it('targets Linux (AppImage, deb), macOS and Windows with icons that exist', () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb'])
    expect(config.mac.target).toContain('dmg')
    expect(config.win.target).toContain('nsis')
    for (const icon of [config.linux.icon, config.mac.icon, config.win.icon]) expect(existsSync(join(root, icon)), icon).toBe(true)
    expect(config.directories.buildResources).toBe('resources')
  })

  it('packs the built bundles, unpacks native modules from asar, rebuilds nothing (N-API prebuilds)', () => {
    expect(config.files).toContain('out/**')
    expect(config.asar).toBe(true)
    expect(config.asarUnpack).toContain('**/*.node')
    expect(config.npmRebuild).toBe(false)
    const levelPrebuild = join(root, 'node_modules/classic-level/prebuilds/linux-x64/classic-level.node')
    expect(existsSync(levelPrebuild)).toBe(true)
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { main: string; scripts: Record<string, string> }
    expect(pkg.main).toBe('out/main/index.js')
    expect(pkg.scripts.dist).toMatch(/^electron-vite build && electron-builder/)
  })

  it('ships the tray icons where the app looks for them (resources/tray)', () => {
    expect(config.extraResources).toContainEqual({ from: 'resources/tray', to: 'tray' })
    expect(config.extraResources).toContainEqual({ from: 'resources/icons/256x256.png', to: 'icon.png' })
    expect(readFileSync(join(import.meta.dirname, 'main.ts'), 'utf8')).toMatch(/new ElectronTray\(join\(resourcesDir, 'tray'\)/)
  })
})

describe('icons', () => {
  const icons = allIcons()

  it('the committed files are exactly what resources/icons.ts draws', async () => {
    const out = await mkdtemp(join(tmpdir(), 'bzzz-icons-'))
    const written = await writeIcons(out, icons)
    expect(written.length).toBe(icons.length)
    for (const path of written) expect((await readFile(join(root, 'resources', path))).equals(await readFile(join(out, path))), `resources/${path} is stale: npm run icons`).toBe(true)
  }, 60_000)

  it('are RGBA PNGs of the sizes each platform needs', () => {
    for (const icon of icons) {
      const png = readFileSync(join(root, 'resources', icon.path))
      expect(pngSize(png), icon.path).toEqual({ width: icon.size, height: icon.size, rgba: true })
    }
    expect(pngSize(readFileSync(join(root, 'resources/icon.png'))).width).toBeGreaterThanOrEqual(512) // macOS .icns
    for (const size of [16, 32, 48, 64, 128, 256, 512]) expect(existsSync(join(root, `resources/icons/${size}x${size}.png`))).toBe(true)
  })

  it('there is a tray icon (and its @2x) for every icon the tray state machine shows', () => {
    const variants: TrayIcon[] = ['idle', 'active', 'attention', 'error']
    expect([...TRAY_VARIANTS].sort()).toEqual([...variants].sort())
    for (const v of variants) {
      expect(pngSize(readFileSync(join(root, `resources/tray/tray-${v}.png`))).width).toBe(16)
      expect(pngSize(readFileSync(join(root, `resources/tray/tray-${v}@2x.png`))).width).toBe(32)
    }
  })
})
