import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loginConsole, startTestServer, type ConsoleRpc, type TestServer } from '../helpers/server'

const TOKEN = 'schedule-console-token-0123456789'
let srv: TestServer
let rpc: ConsoleRpc
beforeAll(async () => {
  srv = await startTestServer({ console: { setupToken: TOKEN } })
  rpc = await loginConsole(srv, TOKEN)
})
afterAll(async () => {
  await srv.stop()
})

describe('the web console (headless) and scheduled backups', () => {
  it('stores a schedule into the data folder’s backups/ and shows it', async () => {
    const set = await rpc('system.setBackupSchedule', {
      enabled: true,
      interval_minutes: 120,
      retention: 4,
      folder: null,
    })
    expect(set.status).toBe(200)
    const got = await rpc('system.backupSchedule', {})
    expect(got.body.data).toMatchObject({
      schedule: { enabled: true, interval_minutes: 120, retention: 4, folder: null },
      folder: `${srv.dataDir}/backups`,
      fixed_by_command_line: false,
      last: null,
    })
    expect(typeof got.body.data.next_at).toBe('string')
  })

  it('refuses a folder of its choosing: where files are written is the desktop’s or --backup-dir’s', async () => {
    const r = await rpc('system.setBackupSchedule', {
      enabled: true,
      interval_minutes: 60,
      retention: 2,
      folder: '/etc',
    })
    expect(r.status).toBe(403)
    expect(r.body.error.message).toMatch(/desktop app or with --backup-dir/)
  })

  it('refuses an interval under 5 minutes with the field’s message', async () => {
    const r = await rpc('system.setBackupSchedule', {
      enabled: true,
      interval_minutes: 1,
      retention: 2,
      folder: null,
    })
    expect(r.status).toBe(400)
    expect(JSON.stringify(r.body)).toContain('At least every 5 minutes')
  })
})
