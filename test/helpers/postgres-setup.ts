import { randomBytes } from 'node:crypto'
import pg from 'pg'
import type { TestProject } from 'vitest/node'
import { openStore } from '../../src/main/db/connection'

declare module 'vitest' {
  export interface ProvidedContext {
    /** The migrated template database every PostgreSQL test database is copied from. */
    pgTemplate: string
  }
}

/**
 * vitest's global setup: under KEYWARDEN_TEST_DATABASE_URL, migrates one template database
 * for the whole run (test/helpers/store.ts copies it per test) and drops the run's databases
 * at the end, including any a crashed test left behind.
 */
export default async function setup(project: TestProject): Promise<(() => Promise<void>) | void> {
  const server = process.env.KEYWARDEN_TEST_DATABASE_URL
  if (!server) return
  const run = `kwtest_${randomBytes(4).toString('hex')}`
  const template = `${run}_template`
  const admin = new pg.Client({ connectionString: server })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${template}`)
  const url = new URL(server)
  url.pathname = `/${template}`
  const store = await openStore(url.toString())
  await store.close()
  project.provide('pgTemplate', template)
  return async () => {
    const left = await admin.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname LIKE $1`,
      [`${run}\\_%`],
    )
    for (const { datname } of left.rows) {
      await admin.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`)
    }
    await admin.end()
  }
}
