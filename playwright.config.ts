import { defineConfig } from '@playwright/test'
// @ts-expect-error -- plain ESM helper without types; it never loads the electron package
import { electronBinary } from './scripts/electron-binary.mjs'

/**
 * Two projects run the same specs in test/e2e:
 *  - browser: Debian's Chromium against the headless server's web console (a fresh server and
 *    data directory per test file; see test/e2e/fixtures.ts). Needs `npm run build` first.
 *  - electron: the desktop app through Playwright's _electron, only when an Electron binary is
 *    installed; otherwise every electron test is skipped with a message saying why.
 */
const chromium = process.env.KEYWARDEN_CHROMIUM ?? '/usr/bin/chromium'
const electron = (electronBinary as () => string | null)()
if (!electron && !process.env.TEST_WORKER_INDEX) {
  console.warn(
    '\n[e2e] ELECTRON PROJECT SKIPPED: no Electron binary is installed (node_modules/electron/dist).\n' +
      '      Run `npm start` once on a machine with internet to install it; the browser project still runs every spec.\n',
  )
}

const chromiumUse = {
  browserName: 'chromium' as const,
  launchOptions: {
    executablePath: chromium,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  },
}

export default defineConfig({
  testDir: 'test/e2e',
  outputDir: 'test-results/artifacts',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: process.env.CI ? 1 : 2,
  reporter: [['list']],
  use: {
    viewport: { width: 1280, height: 800 },
    // Settled screens only: a toast caught mid-fade fails axe's contrast check (its text is
    // blended with the page), which made the light dashboard's check fail about 1 run in 3.
    reducedMotion: 'reduce',
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    { name: 'browser', use: chromiumUse },
    {
      name: 'electron',
      // The fixtures still create (and never use) a Chromium page here; the app fixture
      // skips or launches Electron itself.
      use: chromiumUse,
      metadata: { electronBinary: electron },
    },
  ],
})
