import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startRuntime, type Runtime } from '../../src/main/runtime'
import { seedServerKey } from '../helpers/server'
import { freshPostgresDatabase } from '../helpers/store'
import { onPostgres } from '../helpers/store'

const CONSOLE = { kind: 'console' } as const
const LIMIT = 6

/**
 * Every per-client limit holds across the processes that serve one installation: two
 * runtimes on one database, as `serve --workers 2` runs them on SQLite (or two nodes on one
 * PostgreSQL database), each request alternating between them. With a limit under 128 the
 * shared counter is exact (services/leased-counter.ts): exactly the limit passes, not twice it.
 */
describe('per-client limits are counted once across two processes', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kw-limits-'))
  let pg: Awaited<ReturnType<typeof freshPostgresDatabase>> | null = null
  const runtimes: Runtime[] = []
  const urls: string[] = []

  beforeAll(async () => {
    seedServerKey(dataDir)
    pg = onPostgres ? await freshPostgresDatabase() : null
    for (const index of [0, 1]) {
      const rt = await startRuntime({
        dataDir,
        database: pg?.url,
        host: '127.0.0.1',
        port: 0,
        logLevel: 'silent',
        workers: { count: 2, index },
      })
      if (index === 0) {
        // Before the second starts, so that both read the limits fresh.
        await rt.services.settings.update(CONSOLE, { api_rate_limit_per_minute: LIMIT })
        await rt.services.store.config.update(CONSOLE, { rate_limit_per_minute: LIMIT })
      }
      runtimes.push(rt)
      urls.push(rt.server!.url)
    }
  })
  afterAll(async () => {
    for (const rt of runtimes) await rt.close()
    await pg?.drop()
    rmSync(dataDir, { recursive: true, force: true })
  })

  /** Sends `n` requests alternating between the two processes; their statuses in order. */
  const statuses = async (n: number, path: string, init: RequestInit = {}) => {
    const out: number[] = []
    for (let i = 0; i < n; i++) {
      const res = await fetch(urls[i % 2] + path, init)
      await res.arrayBuffer()
      out.push(res.status)
    }
    return out
  }
  const json = (body: unknown): RequestInit => ({
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })

  it.each([
    ['LicenseCM API (api_rate_limit_per_minute)', '/api/no-such-route', {}, LIMIT],
    ['DevPayr API (api_rate_limit_per_minute)', '/devpayr/api/v1/projects', {}, LIMIT],
    [
      'SellRealm License API v0 (rate_limit_per_minute)',
      '/api/v0/',
      json({ type: 'get_hwid', key: 'K', auth_secret: 'wrong' }),
      LIMIT,
    ],
    [
      'sign-in attempts (10 a minute per address and email)',
      '/api/auth/login',
      json({ email: 'nobody@example.com', password: 'not the password' }),
      10,
    ],
  ] as const)('%s', async (_surface, path, init, limit) => {
    const got = await statuses(2 * limit, path, init as RequestInit)
    expect(got.filter((s) => s !== 429)).toHaveLength(limit)
    expect(got.slice(limit)).toEqual(Array(limit).fill(429))
  })
})
