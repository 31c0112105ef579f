import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Papa from 'papaparse'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { contract } from '@shared/contract'
import { createHandlers, type Handlers } from '../../src/main/rpc/handlers'
import type { DesktopHooks } from '../../src/main/rpc/handlers/types'
import { CONSOLE } from '../../src/main/services/context'
import { LICENSE_COLUMNS } from '../../src/main/services/transfer'
import { startTestServer, type TestServer } from '../helpers/server'

/**
 * The desktop app's export (#18): licenses.exportToFile asks the shell for a path (the save
 * dialog in src/main/index.ts; here a stub) and streams the filtered set into that file with
 * the generator the HTTP download uses.
 */
let s: TestServer
let dir: string
let chosen: string | null
let handlers: Handlers
const cx = { actor: CONSOLE }
const desktop: DesktopHooks = {
  get: () => {
    throw new Error('not used')
  },
  set: () => {
    throw new Error('not used')
  },
  chooseSavePath: async () => chosen,
}
const exportToFile = (filter: unknown, format: 'csv' | 'json') =>
  handlers['licenses.exportToFile'](
    contract['licenses.exportToFile'].input.parse({ filter, format }),
    cx,
  )

let productId: string
let keys: Set<string>

beforeAll(async () => {
  s = await startTestServer()
  dir = mkdtempSync(join(tmpdir(), 'kw-export-'))
  const services = s.runtime.services
  handlers = createHandlers({ services, serverStatus: () => s.runtime.status(), desktop })
  productId = (await services.products.create(CONSOLE, { name: 'Desktop Export' })).id
  const other = (await services.products.create(CONSOLE, { name: 'Not Exported' })).id
  const made = await services.licenses.bulkCreate(CONSOLE, { product_id: productId, count: 3000 })
  keys = new Set(made.licenses.map((l) => l.license_key))
  await services.licenses.bulkCreate(CONSOLE, { product_id: other, count: 7 })
}, 120_000)
afterAll(async () => {
  await s.stop()
  rmSync(dir, { recursive: true, force: true })
})

describe('licenses.exportToFile (desktop export of the filtered set)', () => {
  it('writes every matching license under a header as CSV, and nothing else', async () => {
    chosen = join(dir, 'licenses.csv')
    expect(await exportToFile({ product_id: productId }, 'csv')).toEqual({ path: chosen })
    const text = readFileSync(chosen, 'utf8')
    const lines = text.trim().split(/\r?\n/)
    expect(lines[0]).toBe(LICENSE_COLUMNS.join(','))
    expect(lines).toHaveLength(3001)
    const parsed = Papa.parse<Record<string, string>>(text.trim(), { header: true })
    expect(parsed.errors).toEqual([])
    expect(parsed.data).toHaveLength(3000)
    expect(new Set(parsed.data.map((r) => r.license_key))).toEqual(keys)
    expect(parsed.data.every((r) => r.product_name === 'Desktop Export')).toBe(true)
    // Written under a temporary name and renamed when complete: no leftover.
    expect(readdirSync(dir)).toEqual(['licenses.csv'])
  }, 60_000)

  it('writes the same set as one JSON array', async () => {
    chosen = join(dir, 'licenses.json')
    await exportToFile({ product_id: productId }, 'json')
    const rows = JSON.parse(readFileSync(chosen, 'utf8')) as Record<string, unknown>[]
    expect(rows).toHaveLength(3000)
    expect(new Set(rows.map((r) => r.license_key))).toEqual(keys)
    expect(Object.keys(rows[0]).sort()).toEqual([...LICENSE_COLUMNS].sort())
  }, 60_000)

  it('writes only the header when nothing matches', async () => {
    chosen = join(dir, 'none.csv')
    await exportToFile({ q: 'no-such-key-zz' }, 'csv')
    expect(readFileSync(chosen, 'utf8').trim()).toBe(LICENSE_COLUMNS.join(','))
  })

  it('writes nothing when the save dialog is cancelled', async () => {
    chosen = null
    const before = readdirSync(dir)
    expect(await exportToFile({ product_id: productId }, 'csv')).toBeNull()
    expect(readdirSync(dir)).toEqual(before)
  })

  it('fails with a clear error where there is no desktop (headless server), and leaves no file', async () => {
    const headless = createHandlers({
      services: s.runtime.services,
      serverStatus: () => s.runtime.status(),
    })
    await expect(
      headless['licenses.exportToFile']({ filter: {}, format: 'csv' } as never, cx),
    ).rejects.toMatchObject({ code: 'FORBIDDEN', message: /only in the desktop app/ })
    chosen = join(dir, 'missing-folder', 'x.csv')
    await expect(exportToFile({}, 'csv')).rejects.toThrow()
    expect(existsSync(join(dir, 'missing-folder'))).toBe(false)
  })
})
