import { test as base, expect, _electron, type Page } from '@playwright/test'
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const ROOT = join(import.meta.dirname, '../..')
const HEADLESS = join(ROOT, 'out/main/headless.js')
export const TOKEN = 'e2e-setup-token-0123456789'

export interface ConsoleServer {
  url: string
  dataDir: string
}

/** Starts `node out/main/headless.js` on port 0 with a fresh data directory; resolves its URL. */
async function startServer(dataDir: string): Promise<{ url: string; child: ChildProcess }> {
  if (!existsSync(HEADLESS))
    throw new Error(
      'out/main/headless.js is missing: run `npm run build` before `npm run test:e2e`',
    )
  const child = spawn(process.execPath, [HEADLESS, '--data', dataDir, '--port', '0', '--console'], {
    env: { ...process.env, KEYWARDEN_CONSOLE_TOKEN: TOKEN },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 20_000)
    const onData = (b: Buffer) => {
      out += b.toString()
      const m = /Keywarden listening on (http:\/\/\S+)/.exec(out)
      if (m) {
        clearTimeout(timer)
        resolve(m[1])
      }
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', (b: Buffer) => (out += b.toString()))
    child.on('exit', (code) => reject(new Error(`server exited with ${code}:\n${out}`)))
  })
  return { url, child }
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return
  const done = new Promise((r) => child.once('exit', r))
  child.kill('SIGTERM')
  await Promise.race([done, new Promise((r) => setTimeout(r, 5000))])
  if (child.exitCode === null) child.kill('SIGKILL')
}

/**
 * `app`: a console page already past login, on a fresh installation (new data directory) per
 * test. In the browser project it is Chromium on the headless web console; in the electron
 * project it is the desktop app's window.
 */
export const test = base.extend<{ app: Page; dataDir: string }>({
  // eslint-disable-next-line no-empty-pattern
  dataDir: async ({}, use) => {
    const dir = mkdtempSync(join(tmpdir(), 'kw-e2e-'))
    await use(dir)
    rmSync(dir, { recursive: true, force: true })
  },
  app: async ({ page, dataDir }, use, testInfo) => {
    if (testInfo.project.name === 'electron') {
      const exe = testInfo.project.metadata.electronBinary as string | null
      test.skip(
        !exe,
        'Electron binary not installed: the electron project is skipped (the browser project covers every spec)',
      )
      const electronApp = await _electron.launch({
        executablePath: exe!,
        args: [join(ROOT, 'out/main/index.js')],
        env: { ...process.env, KEYWARDEN_DATA: dataDir, KEYWARDEN_PORT: '0' },
      })
      const win = await electronApp.firstWindow()
      await win.setViewportSize({ width: 1280, height: 800 })
      await expect(win.getByRole('navigation', { name: 'Main' })).toBeVisible()
      await use(win)
      await electronApp.close()
      return
    }
    const { url, child } = await startServer(dataDir)
    try {
      await page.goto(`${url}/console/`)
      await page.getByLabel('Setup token').fill(TOKEN)
      await page.getByRole('button', { name: 'Sign in' }).click()
      await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible()
      await use(page)
    } finally {
      await stop(child)
    }
  },
})

export { expect }
