import type { TestServer } from '../helpers/server'
import { actorOf } from '../../src/main/services/accounts'
import type { Actor } from '../../src/main/services/context'

/** A vendor account over the real management API: its JWT, its SellRealm secrets, its actor. */
export async function vendor(s: TestServer, email: string) {
  const reg = await s.json('/api/auth/register', {
    body: { email, password: 'correct horse battery 9' },
    headers: { 'x-setup-token': s.runtime.setupToken },
  })
  if (reg.status !== 201) {
    // Only the first account may self-register; later ones are made by the installation.
    await s.runtime.services.accounts.create(
      { kind: 'console' },
      { email, password: 'correct horse battery 9', role: 'user' },
    )
  }
  const login = await s.json('/api/auth/login', {
    body: { email, password: 'correct horse battery 9' },
  })
  const token: string = login.body.data.token
  const auth = { authorization: `Bearer ${token}` }
  const secrets = await s.json('/api/account/secrets', { headers: auth })
  const account = await s.runtime.services.accounts.authenticate(token)
  return {
    token,
    auth,
    authSecret: secrets.body.data.auth_secret as string,
    storeSecret: secrets.body.data.store_secret as string,
    actor: actorOf(account) as Actor,
  }
}

/** POSTs SellRealm's form-encoded body to /api/v0/. */
export async function v0(
  s: TestServer,
  fields: Record<string, string | number | undefined>,
  init: { json?: boolean } = {},
) {
  const clean = Object.fromEntries(
    Object.entries(fields)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, String(v)]),
  )
  const res = await fetch(s.url + '/api/v0/', {
    method: 'POST',
    headers: {
      'content-type': init.json ? 'application/json' : 'application/x-www-form-urlencoded',
    },
    body: init.json ? JSON.stringify(fields) : new URLSearchParams(clean).toString(),
  })
  return { status: res.status, body: (await res.json()) as any } // eslint-disable-line @typescript-eslint/no-explicit-any
}
