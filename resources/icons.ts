// The app and tray icons, drawn in code (signed distance functions, 4x4 supersampling) and encoded as PNG with only
// node:zlib, so they are reproducible: `node resources/generate-icons.ts` rewrites resources/ byte for byte, and a
// test checks the committed files against this code.
//
// App icon: a dark rounded square, an amber hexagon (the hive), and inside it three peers linked in a triangle.
// Tray icon: the hexagon alone (readable at 16 px), grey while idle, with a status dot: green connected, blue
// attention (an election or a custody request), red error.
import { deflateSync } from 'node:zlib'

export type TrayVariant = 'idle' | 'active' | 'attention' | 'error'
export const TRAY_VARIANTS: readonly TrayVariant[] = ['idle', 'active', 'attention', 'error']

type Rgba = readonly [number, number, number, number]
type Shape = (x: number, y: number) => Rgba | undefined

const AMBER: Rgba = [245, 179, 1, 255]
const DARK: Rgba = [17, 20, 24, 255]
const GREY: Rgba = [140, 147, 156, 255]
const DOTS: Record<TrayVariant, Rgba | undefined> = {
  idle: undefined,
  active: [46, 184, 92, 255],
  attention: [56, 139, 253, 255],
  error: [229, 57, 53, 255],
}

// -- signed distances (negative inside), in units of the icon's size (0..1) --------------------------------------

function hexagon(px: number, py: number, cx: number, cy: number, r: number): number {
  // Pointy-top regular hexagon with circumradius r.
  const kx = -0.866025404
  const ky = 0.5
  const kz = 0.577350269
  let x = Math.abs(px - cx)
  let y = Math.abs(py - cy)
  const inner = r * 0.866025404
  ;[x, y] = [y, x]
  const d = 2 * Math.min(kx * x + ky * y, 0)
  x -= d * kx
  y -= d * ky
  x -= Math.min(Math.max(x, -kz * inner), kz * inner)
  y -= inner
  return Math.hypot(x, y) * Math.sign(y)
}

function circle(px: number, py: number, cx: number, cy: number, r: number): number {
  return Math.hypot(px - cx, py - cy) - r
}

function segment(px: number, py: number, ax: number, ay: number, bx: number, by: number, w: number): number {
  const dx = bx - ax
  const dy = by - ay
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
  return Math.hypot(px - ax - t * dx, py - ay - t * dy) - w
}

function roundedSquare(px: number, py: number, half: number, radius: number): number {
  const qx = Math.abs(px - 0.5) - half + radius
  const qy = Math.abs(py - 0.5) - half + radius
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - radius
}

// -- the two designs -----------------------------------------------------------------------------------------------

const PEERS = [
  [0.5, 0.36],
  [0.38, 0.58],
  [0.62, 0.58],
] as const

const appIcon: Shape = (x, y) => {
  if (roundedSquare(x, y, 0.46, 0.11) > 0) return undefined
  if (hexagon(x, y, 0.5, 0.5, 0.36) > 0) return DARK
  if (hexagon(x, y, 0.5, 0.5, 0.27) > 0) return AMBER
  for (const [cx, cy] of PEERS) if (circle(x, y, cx, cy, 0.055) <= 0) return AMBER
  for (let i = 0; i < PEERS.length; i++) {
    const [ax, ay] = PEERS[i]!
    const [bx, by] = PEERS[(i + 1) % PEERS.length]!
    if (segment(x, y, ax, ay, bx, by, 0.014) <= 0) return AMBER
  }
  return DARK
}

function trayIcon(variant: TrayVariant): Shape {
  const dot = DOTS[variant]
  const body = variant === 'idle' ? GREY : AMBER
  return (x, y) => {
    if (dot !== undefined) {
      if (circle(x, y, 0.76, 0.76, 0.2) <= 0) return dot
      if (circle(x, y, 0.76, 0.76, 0.27) <= 0) return undefined // a transparent ring keeps the dot apart from the hexagon
    }
    const d = hexagon(x, y, 0.46, 0.48, 0.44)
    if (d > 0) return undefined
    return d > -0.13 ? body : undefined // an outline: the hole keeps it light on any tray background
  }
}

// -- rasterising and PNG -------------------------------------------------------------------------------------------

/** RGBA pixels, straight alpha, 4x4 samples per pixel. */
export function rasterize(shape: Shape, size: number): Uint8Array {
  const out = new Uint8Array(size * size * 4)
  const n = 4
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0
      let g = 0
      let b = 0
      let a = 0
      for (let sy = 0; sy < n; sy++) {
        for (let sx = 0; sx < n; sx++) {
          const c = shape((px + (sx + 0.5) / n) / size, (py + (sy + 0.5) / n) / size)
          if (c === undefined) continue
          const w = c[3] / 255
          r += c[0] * w
          g += c[1] * w
          b += c[2] * w
          a += w
        }
      }
      const i = (py * size + px) * 4
      if (a > 0) {
        out[i] = Math.round(r / a)
        out[i + 1] = Math.round(g / a)
        out[i + 2] = Math.round(b / a)
      }
      out[i + 3] = Math.round((a / (n * n)) * 255)
    }
  }
  return out
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    t[n] = c >>> 0
  }
  return t
})()

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

function chunk(type: string, data: Uint8Array): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data])
  const out = Buffer.alloc(12 + data.length)
  out.writeUInt32BE(data.length, 0)
  body.copy(out, 4)
  out.writeUInt32BE(crc32(body), 8 + data.length)
  return out
}

/** An 8-bit RGBA PNG (filter 0 on every row, zlib level 9). */
export function encodePng(rgba: Uint8Array, size: number): Buffer {
  const header = Buffer.alloc(13)
  header.writeUInt32BE(size, 0)
  header.writeUInt32BE(size, 4)
  header[8] = 8 // bit depth
  header[9] = 6 // RGBA
  const raw = Buffer.alloc(size * (size * 4 + 1))
  for (let y = 0; y < size; y++) Buffer.from(rgba.buffer, rgba.byteOffset + y * size * 4, size * 4).copy(raw, y * (size * 4 + 1) + 1)
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', header), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', new Uint8Array())])
}

/** Linux icon sizes (resources/icons/NxN.png); icon.png (1024) is what electron-builder turns into .icns and .ico. */
export const APP_ICON_SIZES = [16, 32, 48, 64, 128, 256, 512] as const

/** Every icon file, relative to resources/, with its bytes. */
export function allIcons(): { path: string; size: number; png: Buffer }[] {
  const files: { path: string; size: number; png: Buffer }[] = [{ path: 'icon.png', size: 1024, png: encodePng(rasterize(appIcon, 1024), 1024) }]
  for (const size of APP_ICON_SIZES) files.push({ path: `icons/${size}x${size}.png`, size, png: encodePng(rasterize(appIcon, size), size) })
  for (const variant of TRAY_VARIANTS) {
    files.push({ path: `tray/tray-${variant}.png`, size: 16, png: encodePng(rasterize(trayIcon(variant), 16), 16) })
    files.push({ path: `tray/tray-${variant}@2x.png`, size: 32, png: encodePng(rasterize(trayIcon(variant), 32), 32) })
  }
  return files
}
