import { mkdtemp, readFile, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { autostartEntry, autostartPath, desktopPaths, launchCommand, quoteExecArg, setLinuxAutostart } from './platform.ts'

describe('desktop paths', () => {
  it('keeps the peer in userData/peer by default', () => {
    expect(desktopPaths({}, '/home/a/.config/BZZZ')).toEqual({ dataDir: '/home/a/.config/BZZZ/peer', userData: undefined })
    expect(desktopPaths({ BZZZ_DATA_DIR: '' }, '/u')).toEqual({ dataDir: '/u/peer', userData: undefined })
  })

  it('BZZZ_DATA_DIR moves the peer (as for the CLI) and the app state beside it', () => {
    expect(desktopPaths({ BZZZ_DATA_DIR: '/tmp/t1' }, '/u')).toEqual({ dataDir: '/tmp/t1', userData: '/tmp/t1/desktop' })
  })
})

describe('launch at login on Linux', () => {
  it('quotes Exec arguments per the Desktop Entry spec', () => {
    expect(quoteExecArg('/opt/BZZZ/bzzz-desktop')).toBe('/opt/BZZZ/bzzz-desktop')
    expect(quoteExecArg('/home/a b/BZZZ.AppImage')).toBe('"/home/a b/BZZZ.AppImage"')
    expect(quoteExecArg('/x/$HOME/"q"/`c`\\')).toBe('"/x/\\$HOME/\\"q\\"/\\`c\\`\\\\"')
  })

  it('starts the AppImage when run from one, else the executable (and the app path in dev)', () => {
    expect(launchCommand({ APPIMAGE: '/home/a/BZZZ.AppImage' }, '/tmp/.mount/bzzz-desktop', undefined)).toEqual(['/home/a/BZZZ.AppImage'])
    expect(launchCommand({}, '/opt/BZZZ/bzzz-desktop', undefined)).toEqual(['/opt/BZZZ/bzzz-desktop'])
    expect(launchCommand({}, '/repo/node_modules/electron/dist/electron', '/repo')).toEqual(['/repo/node_modules/electron/dist/electron', '/repo'])
  })

  it('writes and removes an XDG autostart entry', async () => {
    const configHome = await mkdtemp(join(tmpdir(), 'bzzz-xdg-'))
    const path = autostartPath({ XDG_CONFIG_HOME: configHome })
    expect(path).toBe(join(configHome, 'autostart', 'bzzz-desktop.desktop'))
    await setLinuxAutostart(true, path, ['/opt/BZZZ/bzzz-desktop'])
    const entry = await readFile(path, 'utf8')
    expect(entry).toBe(autostartEntry(['/opt/BZZZ/bzzz-desktop']))
    expect(entry).toMatch(/^\[Desktop Entry\]\nType=Application\nName=BZZZ\n/)
    expect(entry).toContain('Exec=/opt/BZZZ/bzzz-desktop\n')
    await setLinuxAutostart(false, path, [])
    await expect(stat(path)).rejects.toMatchObject({ code: 'ENOENT' })
    await setLinuxAutostart(false, path, []) // removing twice is fine
  })
})
