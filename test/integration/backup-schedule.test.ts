import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startRuntime } from '../../src/main/runtime'
import { restoreInstallation } from '../../src/main/services/backup/keys'
import { parseMasterKey } from '../../src/main/crypto/seal'
import { startTestServer, type TestServer } from '../helpers/server'
import { seed } from '../helpers/licensecm-client'
import { dbOf } from '../helpers/db'

const HOUR = 3_600_000
let now = new Date('2026-03-01T00:00:00.000Z')
let srv: TestServer
const scratch: string[] = []
const keyText = randomBytes(32).toString('base64')
const backupKey = parseMasterKey(keyText, 'test key')

function folder(): string {
  const d = mkdtempSync(join(tmpdir(), 'kw-sched-'))
  scratch.push(d)
  return d
}
const scheduled = (dir: string) =>
  readdirSync(dir)
    .filter((n) => n.endsWith('.db'))
    .sort()

beforeAll(async () => {
  srv = await startTestServer({ clock: () => now })
})
afterAll(async () => {
  await srv.stop()
  for (const d of scratch) rmSync(d, { recursive: true, force: true })
})

describe('scheduled backups, on the services’ clock', () => {
  it('writes one backup per interval with sealed keys, and keeps only the newest N', async () => {
    const dir = folder()
    const backups = srv.runtime.services.backup
    await backups.startSchedule({ intervalMs: HOUR, retention: 2, dir, backupKey })
    expect(await backups.tickSchedule()).toBeNull() // not due yet
    expect(scheduled(dir)).toEqual([])

    const names: string[] = []
    for (let i = 0; i < 3; i++) {
      now = new Date(now.getTime() + HOUR)
      const r = await backups.tickSchedule()
      expect(r).toMatchObject({ ok: true, error: null, at: now.toISOString() })
      names.push(r!.name!)
      expect(await backups.tickSchedule()).toBeNull() // once per interval
    }
    // Two intervals gave two backups; the third pruned the oldest (and its .keys).
    expect(scheduled(dir)).toEqual(names.slice(1))
    expect(existsSync(join(dir, `${names[0]}.keys`))).toBe(false)
    for (const n of names.slice(1)) expect(existsSync(join(dir, `${n}.keys`))).toBe(true)

    const info = await backups.schedule()
    expect(info).toMatchObject({
      fixed_by_command_line: true,
      folder: dir,
      schedule: { enabled: true, interval_minutes: 60, retention: 2 },
      last: { ok: true, name: names[2] },
      next_at: new Date(now.getTime() + HOUR).toISOString(),
    })
    await backups.stopSchedule()
  })

  it('reports a failed run (last result and a security-center event) instead of dropping it', async () => {
    const notAFolder = join(folder(), 'file')
    writeFileSync(notAFolder, 'x')
    const backups = srv.runtime.services.backup
    await backups.startSchedule({ intervalMs: HOUR, retention: 2, dir: notAFolder, backupKey })
    now = new Date(now.getTime() + HOUR)
    const r = await backups.tickSchedule()
    expect(r).toMatchObject({ ok: false, name: null })
    expect(r!.error).toMatch(/EEXIST|ENOTDIR/)
    expect((await backups.schedule()).last).toEqual(r)
    const events = await dbOf(srv.runtime.store).all<{ severity: string; details: string }>`
      SELECT severity, details FROM events WHERE type = 'system.backup_failed'`
    expect(events).toHaveLength(1)
    expect(events[0].severity).toBe('high')
    expect(JSON.parse(events[0].details)).toMatchObject({ dir: notAFolder })
    // The next interval tries again.
    now = new Date(now.getTime() + HOUR)
    expect(await backups.tickSchedule()).toMatchObject({ ok: false })
    await backups.stopSchedule()
  })

  it('restores into an empty data folder (as --restore does) and serves the same licenses', async () => {
    const { product, key } = await seed(srv)
    const dir = folder()
    const backups = srv.runtime.services.backup
    await backups.startSchedule({ intervalMs: HOUR, retention: 3, dir, backupKey })
    now = new Date(now.getTime() + HOUR)
    const r = await backups.tickSchedule()
    await backups.stopSchedule()

    const target = join(folder(), 'restored')
    await restoreInstallation(target, join(dir, r!.name!), keyText)
    const copy = await startRuntime({ dataDir: target, host: '127.0.0.1', port: 0 })
    try {
      const res = await fetch(`${copy.server!.url}/api/client/validate`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ license_key: key, product_id: product.id, hwid: 'hw-restored' }),
      })
      const body = (await res.json()) as { data: { valid: boolean } }
      expect(res.status).toBe(200)
      expect(body.data.valid).toBe(true)
      // The same identity: answers are signed with the original installation's key.
      expect(copy.services.licensing.publicKeyPem()).toBe(
        srv.runtime.services.licensing.publicKeyPem(),
      )
    } finally {
      await copy.close()
    }
  })

  it('stores the console’s schedule in the settings table and applies it', async () => {
    const backups = srv.runtime.services.backup
    await backups.startSchedule() // no command line: the stored schedule (none: off)
    expect(await backups.schedule()).toMatchObject({
      schedule: { enabled: false },
      fixed_by_command_line: false,
      next_at: null,
    })
    const dir = folder()
    const set = await backups.setSchedule({
      enabled: true,
      interval_minutes: 30,
      retention: 5,
      folder: dir,
    })
    expect(set).toMatchObject({ folder: dir, schedule: { interval_minutes: 30 } })
    now = new Date(now.getTime() + 30 * 60_000)
    expect(await backups.tickSchedule()).toMatchObject({ ok: true })
    expect(scheduled(dir)).toHaveLength(1)
    await expect(
      backups.setSchedule({
        enabled: true,
        interval_minutes: 30,
        retention: 5,
        folder: 'relative',
      }),
    ).rejects.toThrow(/absolute/)
    await backups.setSchedule({ enabled: false, interval_minutes: 30, retention: 5, folder: dir })
    expect((await backups.schedule()).next_at).toBeNull()
  })
})
