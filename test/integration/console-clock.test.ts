import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loginConsole, startTestServer, type TestServer } from '../helpers/server'

/** The web console's sessions run on the services' clock, the one time every surface sees. */
describe('console sessions on the services clock', () => {
  let now = Date.parse('2026-01-10T12:00:00.000Z')
  let s: TestServer
  beforeAll(async () => {
    s = await startTestServer({
      console: { setupToken: 'console-clock-token' },
      clock: () => new Date(now),
    })
  })
  afterAll(() => s.stop())

  it('a login lasts 12 hours of the services clock, then asks to log in again', async () => {
    const rpc = await loginConsole(s, 'console-clock-token')
    now += 11 * 3_600_000
    expect((await rpc('system.info', {})).status).toBe(200)
    now += 2 * 3_600_000
    expect(await rpc('system.info', {}).then((r) => ({ status: r.status, body: r.body }))).toEqual({
      status: 401,
      body: { ok: false, error: { code: 'UNAUTHORIZED', message: 'Log in to the console' } },
    })
  })
})
