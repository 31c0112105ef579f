import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { openStore } from '../../src/main/db/connection'
import { raceTwoWorkers } from '../helpers/outbox-race'

describe('the webhook outbox with two nodes on one database', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kw-race-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('two workers racing over the same events deliver each event exactly once', async () => {
    const file = join(dir, 'keywarden.db')
    const a = await openStore(file)
    const b = await openStore(file)
    try {
      const r = await raceTwoWorkers(a, b, dir, 40)
      expect(r.received).toBe(40)
      expect(r.allSigned).toBe(true)
      expect(r.perEvent.size).toBe(40)
      expect([...r.perEvent.values()].every((n) => n === 1)).toBe(true)
      expect(r.rows).toHaveLength(40)
      expect(r.rows.every((x) => x.status === 'delivered' && x.attempts === 1)).toBe(true)
    } finally {
      await a.close()
      await b.close()
    }
  })
})
