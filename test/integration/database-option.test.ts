import { describe, expect, it } from 'vitest'
import { databaseLabel, resolveDatabase } from '../../src/main/runtime'
import { CONSOLE } from '../../src/main/services/context'
import { startTestServer } from '../helpers/server'
import { onPostgres } from '../helpers/store'

describe('--database / KEYWARDEN_DATABASE_URL choose the database', () => {
  const url = 'postgres://kw:s3cret-pass@db.internal:5432/keywarden'

  it('the flag wins over the environment; neither means the SQLite file in the data directory', () => {
    expect(resolveDatabase(url, { KEYWARDEN_DATABASE_URL: 'postgres://other/db' })).toBe(url)
    expect(resolveDatabase(undefined, { KEYWARDEN_DATABASE_URL: url })).toBe(url)
    expect(resolveDatabase(undefined, {})).toBeUndefined()
    expect(databaseLabel({ dataDir: '/srv/kw' })).toBe('/srv/kw/keywarden.db')
  })

  it('never shows the password: not where it says which database, not when refusing one', () => {
    expect(databaseLabel({ dataDir: '/srv/kw', database: url })).toBe(
      'postgres://kw:***@db.internal:5432/keywarden',
    )
    const bad = 'mysql://kw:s3cret-pass@db.internal/keywarden'
    expect(() => resolveDatabase(bad, {})).toThrow(/takes a postgres:\/\/ URL/)
    expect(() => resolveDatabase(bad, {})).not.toThrow(/s3cret-pass/)
  })

  it.skipIf(!onPostgres)(
    'a server started with a postgres:// URL keeps its data there',
    async () => {
      const s = await startTestServer()
      try {
        expect(s.runtime.store.dialect).toBe('postgres')
        expect(s.runtime.store.file).not.toMatch(/keywarden\.db/)
        const created = await s.runtime.services.products.create(CONSOLE, { name: 'In PostgreSQL' })
        expect((await s.runtime.services.products.get(CONSOLE, created.id)).name).toBe(
          'In PostgreSQL',
        )
      } finally {
        await s.stop()
      }
    },
  )
})
