// electron-vite config for the bench: the main-process half of electron.vite.config.ts only
// (same alias, same headless entry), so the bench does not rebuild the renderer and a
// half-finished screen cannot stop a server benchmark. Output: $KW_BENCH_OUT.
import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'

const root = resolve(import.meta.dirname, '../..')

export default defineConfig({
  main: {
    resolve: { alias: { '@shared': resolve(root, 'src/shared') } },
    build: {
      outDir: process.env.KW_BENCH_OUT,
      rollupOptions: { input: { headless: resolve(root, 'src/main/headless.ts') } },
    },
  },
})
