import { randomBytes, scryptSync } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../helpers/server'
import { firstAdmin, PASSWORD, userAccount } from '../helpers/mgmt'

/** A hash as stored before the cost was raised (N=2^15, r=8, p=1). */
function oldHash(password: string): string {
  const salt = randomBytes(16)
  const key = scryptSync(password, salt, 32, { N: 2 ** 17, r: 8, p: 1, maxmem: 256 * 1024 * 1024 })
  return ['scrypt', 2 ** 17, 8, 1, salt.toString('base64url'), key.toString('base64url')].join('$')
}

describe('password hashes are upgraded on login', () => {
  let s: TestServer
  let admin: { token: string; id: string; email: string }
  beforeAll(async () => {
    s = await startTestServer()
    admin = await firstAdmin(s)
  })
  afterAll(() => s.stop())

  const storedHash = async (id: string) =>
    (
      await s.runtime.store.db
        .selectFrom('accounts')
        .select('password_hash')
        .where('id', '=', id)
        .executeTakeFirstOrThrow()
    ).password_hash
  const setHash = (id: string, password_hash: string) =>
    s.runtime.store.db.updateTable('accounts').set({ password_hash }).where('id', '=', id).execute()

  it('new accounts are hashed with N=2^15, r=8, p=3', async () => {
    expect(await storedHash(admin.id)).toMatch(/^scrypt\$32768\$8\$3\$/)
  })

  it('an old-parameter hash verifies, is replaced on login, and the password keeps working', async () => {
    const old = oldHash(PASSWORD)
    await setHash(admin.id, old)
    const login = await s.json('/api/auth/login', {
      body: { email: admin.email, password: PASSWORD },
    })
    expect(login.status).toBe(200)
    const upgraded = await storedHash(admin.id)
    expect(upgraded).toMatch(/^scrypt\$32768\$8\$3\$/)
    const again = await s.json('/api/auth/login', {
      body: { email: admin.email, password: PASSWORD },
    })
    expect(again.status).toBe(200)
    expect(await storedHash(admin.id)).toBe(upgraded)
  })

  it('a wrong password leaves an old hash as it was', async () => {
    const user = await userAccount(s, admin.token)
    const old = oldHash(PASSWORD)
    await setHash(user.id, old)
    const wrong = await s.json('/api/auth/login', {
      body: { email: user.email, password: 'not the password' },
    })
    expect(wrong.status).toBe(401)
    expect(await storedHash(user.id)).toBe(old)
  })
})
