import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { inject } from 'vitest'
import { openStore, type Store } from '../../src/main/db/connection'

/**
 * The tests' one switch: with `KEYWARDEN_TEST_DATABASE_URL` set (a PostgreSQL server URL, e.g.
 * postgres://postgres@127.0.0.1:5432/postgres) every test server and store gets a fresh
 * database on that server instead of a SQLite file or ':memory:'.
 */
export const testDatabaseUrl = process.env.KEYWARDEN_TEST_DATABASE_URL || undefined
export const onPostgres = testDatabaseUrl !== undefined

let made = 0

/** The test server's URL with another database name. */
export function databaseUrl(name: string): string {
  const u = new URL(testDatabaseUrl!)
  u.pathname = `/${name}`
  return u.toString()
}

async function admin(query: string): Promise<void> {
  const c = new pg.Client({ connectionString: testDatabaseUrl })
  await c.connect()
  try {
    await c.query(query)
  } finally {
    await c.end()
  }
}

/**
 * A new database on the test server, `drop()` removes it (ending connections still open to
 * it). Migrated: copied from the run's template (test/helpers/postgres-setup.ts), a few
 * milliseconds where migrating anew runs the whole schema's DDL. `empty`: no tables at all
 * (for the migration tests). Named after the run's template, so the run's end drops leftovers.
 */
export async function freshPostgresDatabase(
  opts: { empty?: boolean } = {},
): Promise<{ url: string; drop: () => Promise<void> }> {
  const template = inject('pgTemplate')
  const name = `${template.replace(/_template$/, '')}_${process.pid}_${++made}_${randomBytes(2).toString('hex')}`
  await createDatabase(name, opts.empty ? 'template0' : template)
  return {
    url: databaseUrl(name),
    drop: () => dropDatabase(name),
  }
}

/**
 * DROP DATABASE, waiting a moment for connections a closed pool is still ending (a FORCE drop
 * would kill them mid-goodbye, an uncaught error in that pool's process); FORCE at last.
 */
async function dropDatabase(name: string): Promise<void> {
  for (let attempt = 1; attempt <= 20; attempt++) {
    try {
      return await admin(`DROP DATABASE IF EXISTS ${name}`)
    } catch (e) {
      // 55006: "database is being accessed by other users".
      if ((e as { code?: string }).code !== '55006') throw e
      await new Promise((r) => setTimeout(r, 25))
    }
  }
  await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
}

/** CREATE DATABASE … TEMPLATE, again while another process's copy of the template is running. */
async function createDatabase(name: string, template: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await admin(`CREATE DATABASE ${name} TEMPLATE ${template}`)
    } catch (e) {
      // 55006: "source database is being accessed by other users" (a concurrent copy).
      if ((e as { code?: string }).code !== '55006' || attempt >= 50) throw e
      await new Promise((r) => setTimeout(r, 20 + Math.random() * 80))
    }
  }
}

/**
 * A fresh store for a unit test: SQLite ':memory:' (or `file` when given), or, under the
 * switch, a fresh PostgreSQL database that `close()` drops.
 */
export async function openTestStore(file = ':memory:'): Promise<Store> {
  if (!onPostgres) return openStore(file)
  const { url, drop } = await freshPostgresDatabase()
  const store = await openStore(url)
  const close = store.close
  return Object.assign(store, {
    async close() {
      await close()
      await drop()
    },
  })
}

/**
 * Two stores on ONE fresh database, standing for two nodes: under the switch two openStore on
 * one new PostgreSQL database (two pools), otherwise two on one SQLite file (two connections,
 * which see each other's commits only through the file). `dir` is a scratch data folder;
 * `close()` closes both, drops the database and removes `dir`.
 */
export async function openTwoStores(): Promise<{
  stores: [Store, Store]
  dir: string
  close: () => Promise<void>
}> {
  const dir = mkdtempSync(join(tmpdir(), 'kw-two-'))
  const pgDb = onPostgres ? await freshPostgresDatabase() : null
  const target = pgDb?.url ?? join(dir, 'keywarden.db')
  const first = await openStore(target)
  const second = await openStore(target)
  return {
    stores: [first, second],
    dir,
    async close() {
      await first.close()
      await second.close()
      await pgDb?.drop()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
