// The renderer alone (npm run build:ui): the same bundle electron-vite builds for the desktop app, in the same place
// (out/renderer), so the desktop window and the headless peer serve one build. Relative asset URLs ('./assets/...')
// work from file:// in Electron; the headless peer rewrites them to absolute ones for its app routes.
import { resolve } from 'node:path'
import { defineConfig } from 'vite'
import react from '@vitejs/plugin-react'

export default defineConfig({
  root: resolve(import.meta.dirname, 'src-renderer'),
  base: './',
  plugins: [react()],
  build: {
    minify: true,
    // One local bundle (React, zod, Markdown), loaded from disk or loopback: size matters less than one request.
    chunkSizeWarningLimit: 1024,
    outDir: resolve(import.meta.dirname, 'out/renderer'),
    emptyOutDir: true,
    rollupOptions: { input: { index: resolve(import.meta.dirname, 'src-renderer/index.html') } },
  },
})
