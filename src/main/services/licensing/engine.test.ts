import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Store } from '../../db/connection'
import { dbOf } from '../../../../test/helpers/db'
import { openTestStore } from '../../../../test/helpers/store'
import { createServices, type Services } from '..'
import { CONSOLE } from '../context'

/**
 * A writing operation reads its license before its transaction and decides inside it. A write
 * to the license or its product that lands in between (here: during the security screen, which
 * is awaited between the two) must be what it decides on; otherwise the first read stands.
 */
describe('engine: a license written between the first read and the transaction', () => {
  let dir: string
  let store: Store
  let s: Services
  let product: { id: string }
  let license: { id: string; license_key: string }
  /** Runs once, inside the next security screen (between the first read and the transaction). */
  let meanwhile: (() => Promise<void>) | null = null

  const activate = (hwid: string) =>
    s.licensing.activate({
      licenseKey: license.license_key,
      hwid,
      ip: '203.0.113.9',
      userAgent: null,
      protocol: 'licensecm',
    })

  beforeEach(async () => {
    meanwhile = null
    dir = mkdtempSync(join(tmpdir(), 'kw-engine-'))
    store = await openTestStore(join(dir, 'kw.db'))
    s = createServices({ store, dataDir: dir })
    product = await s.products.create(CONSOLE, { name: 'Game' })
    license = await s.licenses.create(CONSOLE, { product_id: product.id, max_uses: 5 })
    // PostgreSQL has no triggers moving the license rows' version: a row put into its table
    // must not make its writers skip the locked re-read.
    if (store.dialect === 'postgres')
      await dbOf(store).run`INSERT INTO license_rows_version (id, version) VALUES (1, 0)`
    const screen = s.security.screen.bind(s.security)
    s.security.screen = async (input) => {
      const w = meanwhile
      meanwhile = null
      if (w) await w()
      return screen(input)
    }
  })
  afterEach(async () => {
    await store.close()
    rmSync(dir, { recursive: true, force: true })
  })

  const db = () => dbOf(store)
  it.each([
    {
      write: 'the license suspended',
      run: () => db().run`UPDATE licenses SET status = 'suspended' WHERE id = ${license.id}`,
      code: 'LICENSE_SUSPENDED',
    },
    {
      write: 'the license banned',
      run: () => db().run`UPDATE licenses SET status = 'banned' WHERE id = ${license.id}`,
      code: 'LICENSE_BANNED',
    },
    {
      write: 'the license deleted',
      run: () => s.licenses.remove(CONSOLE, license.id),
      code: 'LICENSE_NOT_FOUND',
    },
    {
      write: 'its machine limit lowered to the one bound',
      run: () => db().run`UPDATE licenses SET max_uses = 1 WHERE id = ${license.id}`,
      code: 'HWID_MISMATCH', // a machine-bound license at its limit: another machine's HWID
    },
    {
      write: 'its product deactivated',
      run: () => db().run`UPDATE products SET is_active = 0 WHERE id = ${product.id}`,
      code: 'PRODUCT_NOT_FOUND',
    },
  ])('decides on $write', async ({ run, code }) => {
    await activate('HWID-A') // one machine bound: a limit of 1 leaves none for another
    meanwhile = run
    await expect(activate('HWID-B')).rejects.toMatchObject({ code })
    expect(meanwhile).toBeNull() // the write did run in between
  })
})
