import { generateKeyPairSync } from 'node:crypto'
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { startRuntime, type Runtime, type RuntimeOptions } from '../../src/main/runtime'
import { rsaPrivateKeyPath } from '../../src/main/crypto/keys'
import { freshPostgresDatabase, onPostgres } from './store'

/**
 * Gives a fresh data directory the machine's shared RSA-4096 test key, so that each test
 * server does not spend ~1 s of CPU generating its own. (First-start generation itself is
 * tested in client-envelope.test.ts with a bare data directory.)
 */
export function seedServerKey(dataDir: string): void {
  const cached = join(tmpdir(), 'keywarden-test-rsa-4096.pem')
  if (!existsSync(cached)) {
    const { privateKey } = generateKeyPairSync('rsa', {
      modulusLength: 4096,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    })
    const tmp = `${cached}.${process.pid}`
    writeFileSync(tmp, privateKey, { mode: 0o600 })
    renameSync(tmp, cached)
  }
  const target = rsaPrivateKeyPath(dataDir)
  mkdirSync(dirname(target), { recursive: true, mode: 0o700 })
  copyFileSync(cached, target)
  chmodSync(target, 0o600)
}

export interface TestServer {
  runtime: Runtime
  url: string
  dataDir: string
  /** The PostgreSQL database under the switch (a restart on `dataDir` passes it again). */
  database: string | undefined
  /** fetch against the server with a JSON body, returning status, headers and parsed JSON. */
  json(
    path: string,
    init?: { method?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<{
    status: number
    headers: Headers
    body: any // eslint-disable-line @typescript-eslint/no-explicit-any
  }>
  stop(): Promise<void>
}

/**
 * A real Keywarden on 127.0.0.1, port 0, with a fresh data directory and a fresh database: the
 * SQLite file in it, or under KEYWARDEN_TEST_DATABASE_URL a new PostgreSQL database (see
 * ./store.ts) that stop() drops.
 */
export async function startTestServer(
  opts: {
    console?: { setupToken: string; staticDir?: string }
    clock?: () => Date
    /** Silent unless a test asks (and gives a destination to read the lines from). */
    log?: Pick<RuntimeOptions, 'logLevel' | 'logDestination'>
    metrics?: RuntimeOptions['metrics']
  } = {},
): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kw-test-'))
  seedServerKey(dataDir)
  const database = onPostgres ? await freshPostgresDatabase() : null
  const runtime = await startRuntime({
    dataDir,
    database: database?.url,
    host: '127.0.0.1',
    port: 0,
    console: opts.console,
    clock: opts.clock,
    logLevel: 'silent',
    ...opts.log,
    metrics: opts.metrics,
  })
  const url = runtime.server!.url
  return {
    runtime,
    url,
    dataDir,
    database: database?.url,
    async json(path, init = {}) {
      const res = await fetch(url + path, {
        method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
        headers: {
          ...(init.body !== undefined && { 'content-type': 'application/json' }),
          ...init.headers,
        },
        body:
          init.body === undefined
            ? undefined
            : typeof init.body === 'string'
              ? init.body
              : JSON.stringify(init.body),
      })
      const text = await res.text()
      let body: unknown = text
      try {
        body = JSON.parse(text)
      } catch {
        /* not JSON: keep text */
      }
      return { status: res.status, headers: res.headers, body: protocolBody(body, res.headers) }
    },
    async stop() {
      // A test that broke the database underneath still drops it and removes the folder.
      try {
        await runtime.close()
      } finally {
        await database?.drop()
        rmSync(dataDir, { recursive: true, force: true })
      }
    },
  }
}

/**
 * An error body's `request_id` (observability/request-id.ts) must equal the answer's
 * X-Request-Id; checked on every answer the helper reads, then removed, so each test asserts
 * its protocol's own shape (request-id.test.ts asserts the field itself).
 */
export function protocolBody(body: unknown, headers: Headers): unknown {
  if (body === null || typeof body !== 'object' || !('request_id' in body)) return body
  const { request_id: id, ...rest } = body as Record<string, unknown>
  if (id !== headers.get('x-request-id')) {
    throw new Error(
      `request_id ${String(id)} differs from X-Request-Id ${headers.get('x-request-id')}`,
    )
  }
  return rest
}

export type ConsoleRpc = (channel: string, body: unknown) => ReturnType<TestServer['json']>

/** Logs in to the headless web console (setup token or an account); returns a console RPC caller. */
export async function loginConsole(
  s: TestServer,
  as: string | { email: string; password: string },
): Promise<ConsoleRpc> {
  // The setup token logs in only while no account exists; afterwards, an account's credentials.
  const login = await s.json('/console/login', {
    body: typeof as === 'string' ? { token: as } : as,
  })
  if (login.status !== 200) throw new Error(`console login failed: ${login.status}`)
  const headers = {
    cookie: login.headers.get('set-cookie')!.split(';')[0],
    'x-csrf-token': login.body.data.csrf as string,
  }
  return (channel, body) => s.json(`/console/rpc/${channel}`, { body, headers })
}

/** The data of a console call that must succeed; any other answer throws, showing it. */
export async function consoleData(
  rpc: ConsoleRpc,
  channel: string,
  body: unknown = {},
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers checked by the callers' assertions
): Promise<any> {
  const r = await rpc(channel, body)
  if (r.body?.ok !== true) {
    throw new Error(`${channel}: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`)
  }
  return r.body.data
}

/** Logs in to the web console with an account's email and password; the RPC caller and cookie. */
export async function loginConsoleAs(
  s: TestServer,
  email: string,
  password: string,
): Promise<{ rpc: ConsoleRpc; cookie: string }> {
  const login = await s.json('/console/login', { body: { email, password } })
  if (login.status !== 200) throw new Error(`console login failed: ${login.status}`)
  const cookie = login.headers.get('set-cookie')!.split(';')[0]
  const headers = { cookie, 'x-csrf-token': login.body.data.csrf as string }
  return { rpc: (channel, body) => s.json(`/console/rpc/${channel}`, { body, headers }), cookie }
}
