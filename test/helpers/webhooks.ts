import { createHmac, timingSafeEqual } from 'node:crypto'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startRuntime, type Runtime } from '../../src/main/runtime'
import { freshPostgresDatabase, onPostgres } from './store'

/** A clock tests move by hand: webhook retries and license expiry follow it, not the wall. */
export class ManualClock {
  t = Date.now()
  now = (): Date => new Date(this.t)
  advance(ms: number): void {
    this.t += ms
  }
}

export interface Received {
  headers: IncomingHttpHeaders
  raw: string
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any
  /** Whether X-Keywarden-Signature is HMAC-SHA256(secret, raw body). */
  signatureValid: boolean
}

/**
 * A webhook receiver on 127.0.0.1 that checks every signature against `secret` the way a
 * vendor's endpoint would (constant-time, over the raw body).
 */
export async function startReceiver(secret: string, port = 0, status = 200) {
  const received: Received[] = []
  const state = { status }
  const server: Server = createServer((req, res) => {
    let raw = ''
    req.setEncoding('utf8')
    req.on('data', (c: string) => (raw += c))
    req.on('end', () => {
      const expected = 'sha256=' + createHmac('sha256', secret).update(raw).digest('hex')
      const got = String(req.headers['x-keywarden-signature'] ?? '')
      const signatureValid =
        got.length === expected.length && timingSafeEqual(Buffer.from(got), Buffer.from(expected))
      received.push({ headers: req.headers, raw, body: JSON.parse(raw), signatureValid })
      res
        .writeHead(state.status, { 'content-type': 'text/plain' })
        .end(state.status < 300 ? 'ok' : 'nope')
    })
  })
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r))
  const addr = server.address()
  const actual = typeof addr === 'object' && addr ? addr.port : port
  return {
    port: actual,
    url: `http://127.0.0.1:${actual}/hook`,
    received,
    state,
    close: () => new Promise<void>((r) => server.close(() => r())),
  }
}

/** A port that was free a moment ago (for a receiver that is "down" and comes up later). */
export async function freePort(): Promise<number> {
  const r = await startReceiver('x')
  await r.close()
  return r.port
}

/**
 * A runtime on a given data dir (and, under KEYWARDEN_TEST_DATABASE_URL, database: a fresh one
 * unless given, dropped at the end of the run) with a manual clock, plus a JSON fetch helper.
 */
export async function startClocked(
  clock: ManualClock,
  dataDir = mkdtempSync(join(tmpdir(), 'kw-wh-')),
  database?: string,
) {
  database ??= onPostgres ? (await freshPostgresDatabase()).url : undefined
  const runtime: Runtime = await startRuntime({
    dataDir,
    database,
    host: '127.0.0.1',
    port: 0,
    logLevel: 'silent',
    clock: clock.now,
  })
  const url = runtime.server!.url
  return {
    runtime,
    dataDir,
    database,
    url,
    s: runtime.services,
    async json(path: string, body?: unknown, token?: string, method?: string) {
      const res = await fetch(url + path, {
        method: method ?? (body === undefined ? 'GET' : 'POST'),
        headers: {
          ...(body !== undefined && { 'content-type': 'application/json' }),
          ...(token && { authorization: `Bearer ${token}` }),
          // Lets the first self-registration create the admin; ignored afterwards.
          'x-setup-token': runtime.setupToken,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      })
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      return { status: res.status, body: (await res.json()) as any }
    },
  }
}

/** Waits until `check` holds (deliveries are asynchronous), failing after `ms`. */
export async function until(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 20))
  }
}
