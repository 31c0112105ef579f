import { test as base, expect, _electron, type Page } from '@playwright/test'
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import pg from 'pg'

const ROOT = join(import.meta.dirname, '../..')
const HEADLESS = join(ROOT, 'out/main/headless.js')
export const TOKEN = 'e2e-setup-token-0123456789'

export interface ConsoleServer {
  url: string
  dataDir: string
}

/**
 * The end-to-end suite's switch: with `KEYWARDEN_TEST_DATABASE_URL` set (a PostgreSQL server, as
 * for `npm run test:postgres`), every console server gets a fresh database on it, dropped after.
 */
const POSTGRES = process.env.KEYWARDEN_TEST_DATABASE_URL || undefined

async function admin(query: string): Promise<void> {
  const c = new pg.Client({ connectionString: POSTGRES })
  await c.connect()
  try {
    await c.query(query)
  } finally {
    await c.end()
  }
}

async function freshDatabase(): Promise<{ url: string; drop: () => Promise<void> } | null> {
  if (!POSTGRES) return null
  const name = `kwe2e_${process.pid}_${randomBytes(4).toString('hex')}`
  await admin(`CREATE DATABASE ${name}`)
  const u = new URL(POSTGRES)
  u.pathname = `/${name}`
  return { url: u.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) }
}

/**
 * Starts `node out/main/headless.js` on port 0 with a fresh data directory (and, under the
 * switch, a fresh PostgreSQL database); resolves its URL.
 */
async function startServer(
  dataDir: string,
  database: string | undefined,
): Promise<{ url: string; child: ChildProcess }> {
  if (!existsSync(HEADLESS))
    throw new Error(
      'out/main/headless.js is missing: run `npm run build` before `npm run test:e2e`',
    )
  // One process, as the desktop app serves: the specs read back what an action changed at
  // once, where with workers a settings change reaches the other workers within 1.1 s (that
  // bound and the workers' sharing are tested in test/integration/workers.test.ts).
  const args = [HEADLESS, '--data', dataDir, '--port', '0', '--console', '--workers', '1']
  if (database) args.push('--database', database)
  const env: NodeJS.ProcessEnv = { ...process.env, KEYWARDEN_CONSOLE_TOKEN: TOKEN }
  delete env.KEYWARDEN_DATABASE_URL
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] })
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
export const test = base.extend<{ app: Page; dataDir: string; signedIn: boolean }>({
  /** `test.use({ signedIn: false })`: `app` stops at the sign-in form (browser project). */
  signedIn: [true, { option: true }],
  // eslint-disable-next-line no-empty-pattern
  dataDir: async ({}, use) => {
    const dir = mkdtempSync(join(tmpdir(), 'kw-e2e-'))
    await use(dir)
    rmSync(dir, { recursive: true, force: true })
  },
  app: async ({ page, dataDir, signedIn }, use, testInfo) => {
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
    const database = await freshDatabase()
    const { url, child } = await startServer(dataDir, database?.url)
    try {
      await page.goto(`${url}/console/`)
      if (signedIn) {
        await page.getByLabel('Setup token').fill(TOKEN)
        await page.getByRole('button', { name: 'Sign in' }).click()
        await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible()
      }
      await use(page)
    } finally {
      await stop(child)
      await database?.drop()
    }
  },
})

export { expect }
