import { expect } from 'vitest'
import { startTestServer, type TestServer } from '../helpers/server'
import { firstAdmin } from '../helpers/mgmt'
import { createKey } from '../helpers/apikeys'

export const PREFIX = '/devpayr/api/v1'
export const ALL_SCOPES = ['products:read', 'products:write', 'licenses:read', 'licenses:write']

/** A server with an admin, a full-scope DevPayr backend key, and a generous validate limit. */
export async function devpayrServer(opts: { clock?: () => Date } = {}) {
  const srv = await startTestServer(opts)
  const admin = await firstAdmin(srv)
  // The engine's per-license validate limit (10/min by default) would stop the many runtime
  // checks of one test from one address; one test lowers it on purpose.
  await srv.runtime.services.settings.update(
    { kind: 'console' },
    { client_validate_per_minute: 10_000, api_rate_limit_per_minute: 100_000 },
  )
  const key = (await createKey(srv, admin.token, { name: 'devpayr', scopes: ALL_SCOPES })).key
  return { srv, admin, key }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- wire JSON
type Json = any

/** A raw DevPayr call: status, headers and the whole body (the tests check every field). */
export async function call(
  srv: TestServer,
  method: string,
  path: string,
  opts: {
    key?: string
    license?: string
    domain?: string
    body?: unknown
    raw?: string | FormData
    headers?: Record<string, string>
  } = {},
): Promise<{ status: number; headers: Headers; body: Json }> {
  const headers: Record<string, string> = { accept: 'application/json', ...opts.headers }
  if (opts.key) headers['x-api-key'] = opts.key
  if (opts.license) headers['x-license-key'] = opts.license
  if (opts.domain) headers['x-devpayr-domain'] = opts.domain
  let body: string | FormData | undefined = opts.raw
  if (opts.body !== undefined) {
    headers['content-type'] = 'application/json'
    body = JSON.stringify(opts.body)
  }
  const res = await fetch(srv.url + PREFIX + path, { method, headers, body })
  const text = await res.text()
  let parsed: Json = text
  try {
    parsed = JSON.parse(text)
  } catch {
    /* left as text: the test shows it */
  }
  return { status: res.status, headers: res.headers, body: parsed }
}

/** DevPayr's refusal body. */
export const refusal = (message: string | RegExp, errors: Json = null) => ({
  status: 'error',
  message: typeof message === 'string' ? message : expect.stringMatching(message),
  data: null,
  errors,
})
