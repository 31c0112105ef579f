import type { TestServer } from './server'

/** Helpers for management-API tests: JSON calls with a Bearer token. */
export function api(s: TestServer, token?: string) {
  const auth = token ? { authorization: `Bearer ${token}` } : undefined
  return {
    get: (path: string) => s.json(path, { headers: auth }),
    post: (path: string, body: unknown = {}) =>
      s.json(path, { method: 'POST', body, headers: auth }),
    put: (path: string, body: unknown = {}) => s.json(path, { method: 'PUT', body, headers: auth }),
    del: (path: string) => s.json(path, { method: 'DELETE', headers: auth }),
  }
}

let n = 0
/** A unique email for this test run. */
export function email(tag = 'user'): string {
  n += 1
  return `${tag}${n}-${process.pid}@example.com`
}

export const PASSWORD = 'correct horse battery'

/** The header that lets `POST /api/auth/register` create the first account. */
export function setupHeader(s: TestServer): Record<string, string> {
  return { 'x-setup-token': s.runtime.setupToken }
}

/** Registers the first account (admin, with the setup token) and returns its token and id. */
export async function firstAdmin(
  s: TestServer,
): Promise<{ token: string; id: string; email: string }> {
  const e = email('admin')
  const r = await s.json('/api/auth/register', {
    body: { email: e, password: PASSWORD, display_name: 'Admin' },
    headers: setupHeader(s),
  })
  if (r.status !== 201) throw new Error(`first admin: ${r.status} ${JSON.stringify(r.body)}`)
  return { token: r.body.data.token, id: r.body.data.user.id, email: e }
}

/** Creates a `user` account as the admin (registration may be closed) and logs it in. */
export async function userAccount(
  s: TestServer,
  adminToken: string,
): Promise<{ token: string; id: string; email: string }> {
  const e = email('user')
  // Open registration for one sign-up, as an admin would, then close it again.
  await api(s, adminToken).put('/api/admin/settings', { registration_open: true })
  const r = await s.json('/api/auth/register', { body: { email: e, password: PASSWORD } })
  await api(s, adminToken).put('/api/admin/settings', { registration_open: false })
  if (r.status !== 201) throw new Error(`user: ${r.status} ${JSON.stringify(r.body)}`)
  return { token: r.body.data.token, id: r.body.data.user.id, email: e }
}
