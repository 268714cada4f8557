// Writes the app and tray icons into resources/ (see icons.ts): `node resources/generate-icons.ts`.
import { mkdir, writeFile } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { allIcons } from './icons.ts'

export async function writeIcons(dir: string, icons = allIcons()): Promise<string[]> {
  const written: string[] = []
  for (const icon of icons) {
    const file = join(dir, icon.path)
    await mkdir(dirname(file), { recursive: true })
    await writeFile(file, icon.png)
    written.push(icon.path)
  }
  return written
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = dirname(fileURLToPath(import.meta.url))
  for (const path of await writeIcons(dir)) console.log(`wrote resources/${path}`)
}
