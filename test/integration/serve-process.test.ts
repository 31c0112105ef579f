import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { execFileSync } from 'node:child_process'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  cleanEnv,
  ensureBuilt,
  freePort,
  HEADLESS,
  spawnLogged,
  type Spawned,
} from '../helpers/processes'

// The headless server as an operator runs it: the built entry, and `npm run serve`.
const scratch: string[] = []
const running: Spawned[] = []

function dataDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'kw-serve-'))
  scratch.push(d)
  return d
}

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(1000) })).ok
  } catch {
    return false
  }
}

/** Pids of the process group `pgid` still alive (ps, Linux). */
function groupPids(pgid: number): number[] {
  const out = execFileSync('ps', ['-e', '-o', 'pid=,pgid='], { encoding: 'utf8' })
  return out
    .split('\n')
    .map((l) => l.trim().split(/\s+/).map(Number))
    .filter(([pid, group]) => group === pgid && pid > 0)
    .map(([pid]) => pid)
}

beforeAll(() => ensureBuilt(), 120_000)
afterEach(() => {
  for (const p of running.splice(0)) if (p.child.exitCode === null) p.child.kill('SIGKILL')
})
afterEach(() => {
  for (const d of scratch.splice(0)) rmSync(d, { recursive: true, force: true })
})

describe('the headless server configured by its environment only', () => {
  it('listens where KEYWARDEN_PORT/HOST/DATA say and answers /api/health', async () => {
    const port = await freePort()
    const data = dataDir()
    const env = cleanEnv({
      KEYWARDEN_PORT: String(port),
      KEYWARDEN_HOST: '127.0.0.1',
      KEYWARDEN_DATA: data,
      KEYWARDEN_CONSOLE: '1',
      KEYWARDEN_SETUP_TOKEN: 'env-only-setup-token-0123',
    })
    const server = spawnLogged(process.execPath, [HEADLESS], { env })
    running.push(server)
    await server.waitFor(/Keywarden listening on/)
    expect(server.output()).toContain(`http://127.0.0.1:${port}`)
    expect(server.output()).toContain('Setup token: env-only-setup-token-0123')
    expect(server.output()).toContain(`Console: http://127.0.0.1:${port}/console/`)
    const health = await fetch(`http://127.0.0.1:${port}/api/health`)
    expect(health.status).toBe(200)
    expect(await health.json()).toMatchObject({ status: 'ok' })
    expect(existsSync(join(data, 'keywarden.db'))).toBe(true)
  })

  it('refuses a bad variable with one line naming flag and variable, exit 2', async () => {
    const env = cleanEnv({ KEYWARDEN_PORT: 'eighty', KEYWARDEN_DATA: dataDir() })
    const server = spawnLogged(process.execPath, [HEADLESS], { env })
    expect(await server.exited()).toBe(2)
    expect(server.output().trim()).toBe(
      '--port / KEYWARDEN_PORT takes a whole number from 0 to 65535 (got eighty)',
    )
  })

  it('points an unknown flag to --help, exit 2', async () => {
    const server = spawnLogged(process.execPath, [HEADLESS, '--x'], { env: cleanEnv() })
    expect(await server.exited()).toBe(2)
    expect(server.output().trim()).toBe('unknown option --x (see --help)')
  })

  it('refuses a backup schedule without the backup key that seals its keys, exit 2', async () => {
    const env = cleanEnv({ KEYWARDEN_BACKUP_INTERVAL: '1d', KEYWARDEN_DATA: dataDir() })
    const server = spawnLogged(process.execPath, [HEADLESS, '--port', '0'], { env })
    expect(await server.exited()).toBe(2)
    expect(server.output().trim()).toMatch(
      /^--backup-interval needs the backup key that seals each backup’s keys: --backup-key-file PATH or KEYWARDEN_BACKUP_KEY/,
    )
  })

  it('says at once that it cannot create a data folder under /proc (it hung before)', async () => {
    const server = spawnLogged(process.execPath, [HEADLESS, '--data', '/proc/x', '--port', '0'], {
      env: cleanEnv(),
    })
    expect(await server.exited(10_000)).toBe(1)
    expect(server.output().trim()).toMatch(
      /^Keywarden could not start: cannot create the data folder \/proc\/x \(ENOENT at \/proc\/x\): choose a folder .* --data DIR or KEYWARDEN_DATA$/,
    )
  })
})

describe('npm run serve stops when its own process is signalled', () => {
  it('SIGTERM to npm’s pid alone: the port closes, no process of the group is left, a clean shutdown', async () => {
    const port = await freePort()
    const data = dataDir()
    const npm = spawnLogged('npm', ['run', 'serve', '--', '--port', String(port), '--data', data], {
      env: cleanEnv(),
      detached: true, // its own process group, to find every process it started
    })
    running.push(npm)
    const pgid = npm.child.pid!
    await npm.waitFor(/Keywarden listening on/)
    expect(await answers(`http://127.0.0.1:${port}/api/health`)).toBe(true)
    expect(groupPids(pgid).length).toBeGreaterThan(1) // npm, its shell, the server

    process.kill(npm.child.pid!, 'SIGTERM')
    await npm.exited(10_000)
    const deadline = Date.now() + 10_000
    while (groupPids(pgid).length > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100))
    }
    expect(groupPids(pgid)).toEqual([])
    expect(await answers(`http://127.0.0.1:${port}/api/health`)).toBe(false)
    expect(npm.output()).toContain('SIGTERM received: closing')
    // Closed cleanly: SQLite removed its write-ahead log on the last close.
    expect(existsSync(join(data, 'keywarden.db'))).toBe(true)
    expect(existsSync(join(data, 'keywarden.db-wal'))).toBe(false)
  }, 60_000)
})
