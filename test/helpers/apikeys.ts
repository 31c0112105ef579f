import { createHmac } from 'node:crypto'
import type { TestServer } from './server'

/** Helpers for API-key tests: calls with X-API-Key, optionally signed as the reference says. */

export interface CreatedKey {
  id: string
  key: string
  secret: string
  prefix: string
}

/** Creates an API key over the management API with an account's JWT. */
export async function createKey(
  s: TestServer,
  jwt: string,
  body: Record<string, unknown>,
): Promise<CreatedKey> {
  const r = await s.json('/api/api-keys', {
    method: 'POST',
    body,
    headers: { authorization: `Bearer ${jwt}` },
  })
  if (r.status !== 201) throw new Error(`create key: ${r.status} ${JSON.stringify(r.body)}`)
  return r.body.data
}

/** Base64(HMAC-SHA256(secret, METHOD\nPATH\nTIMESTAMP\nBODY)), computed here independently. */
export function sign(
  secret: string,
  method: string,
  path: string,
  ts: string,
  body: string,
): string {
  return createHmac('sha256', secret).update(`${method}\n${path}\n${ts}\n${body}`).digest('base64')
}

export const now = (): string => String(Math.floor(Date.now() / 1000))

/** A request with X-API-Key; `signWith` adds X-Timestamp/X-Signature over the exact body sent. */
export async function keyed(
  s: TestServer,
  key: string,
  method: string,
  path: string,
  opts: { body?: unknown; signWith?: string; ts?: string; headers?: Record<string, string> } = {},
) {
  const raw =
    opts.body === undefined
      ? ''
      : typeof opts.body === 'string'
        ? opts.body
        : JSON.stringify(opts.body)
  const headers: Record<string, string> = { 'x-api-key': key, ...opts.headers }
  if (opts.signWith) {
    const ts = opts.ts ?? now()
    headers['x-timestamp'] = ts
    headers['x-signature'] = sign(opts.signWith, method, path, ts, raw)
  }
  return s.json(path, { method, body: opts.body === undefined ? undefined : raw, headers })
}
