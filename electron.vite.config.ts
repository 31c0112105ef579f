import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import react from '@vitejs/plugin-react'
import tailwindcss from '@tailwindcss/vite'
import { bundleReport } from './scripts/bundle-report'

const shared = { '@shared': resolve(__dirname, 'src/shared') }

export default defineConfig({
  main: {
    resolve: { alias: shared },
    plugins: [bundleReport('main')],
    build: {
      rollupOptions: {
        // headless.ts is the same server without Electron (npm run serve).
        input: {
          index: resolve(__dirname, 'src/main/index.ts'),
          headless: resolve(__dirname, 'src/main/headless.ts'),
        },
      },
    },
  },
  preload: {
    resolve: { alias: shared },
    plugins: [bundleReport('preload')],
    build: {
      rollupOptions: {
        // A sandboxed preload must be one CommonJS file.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    resolve: { alias: { ...shared, '@renderer': resolve(__dirname, 'src/renderer/src') } },
    plugins: [react(), tailwindcss(), bundleReport('renderer')],
    build: {
      // electron-vite leaves the renderer unminified by default; the console is downloaded by
      // every browser window of `npm run serve --console` too.
      minify: true,
      rollupOptions: {
        output: {
          // recharts and the d3 modules it draws with: one chunk, fetched with the first chart
          // screen (navigation.tsx loads those lazily). The other libraries the first screen
          // needs: a vendor chunk beside the console's own code (each under Vite's 500 kB
          // warning; a library that only a lazy screen imports stays in that screen's chunk).
          codeSplitting: {
            groups: [
              {
                name: 'charts',
                priority: 2,
                test: /node_modules[\\/](recharts|d3-[^\\/]+|victory-vendor|internmap|decimal\.js-light|react-smooth|recharts-scale)[\\/]/,
              },
              {
                name: 'react',
                priority: 1,
                test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/,
              },
              { name: 'vendor', priority: 0, test: /node_modules[\\/]/ },
            ],
          },
        },
      },
    },
  },
})
