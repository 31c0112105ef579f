import { request } from 'node:http'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startRuntime } from '../../src/main/runtime'
import { CONSOLE } from '../../src/main/services/context'
import { parseWorkers } from '../../src/main/workers'
import { seedServerKey, type TestServer } from '../helpers/server'
import { onPostgres } from '../helpers/store'
import { startReceiver, until } from '../helpers/webhooks'
import { vendor } from './sellrealm-helpers'
// The bench's build of the headless entry (the main half of the electron-vite build, ~1 s).
// @ts-expect-error -- plain JavaScript (the bench's helpers), no declarations
import { ensureBuilt, startNode } from '../../bench/lib/procs.mjs'

const SECRET = 'whsec_test_secret_0123456789'
/** The bound within which a blacklist or settings change reaches every worker (SQLite). */
const CHANGE_BOUND_MS = 1100

interface Answer {
  status: number
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any
}

/**
 * A POST on a connection of its own (`Connection: close`): the cluster's primary hands each
 * new connection to the next worker in turn, so consecutive requests land on different workers.
 */
function post(url: string, path: string, body: unknown, form = false): Promise<Answer> {
  const data = form
    ? new URLSearchParams(body as Record<string, string>).toString()
    : JSON.stringify(body)
  return new Promise((resolve, reject) => {
    const req = request(
      url + path,
      {
        method: 'POST',
        agent: false,
        headers: {
          connection: 'close',
          'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json',
        },
      },
      (res) => {
        let raw = ''
        res.setEncoding('utf8')
        res.on('data', (c: string) => (raw += c))
        res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(raw || 'null') }))
      },
    )
    req.on('error', reject)
    req.end(data)
  })
}

describe('parseWorkers', () => {
  it('defaults to one per core, takes 1 to 64 or auto (one per core), and names a bad value', () => {
    expect(parseWorkers(undefined, 2)).toBe(2)
    expect(parseWorkers('', 3)).toBe(3)
    expect(parseWorkers(undefined, 100)).toBe(64)
    expect(parseWorkers('auto', 3)).toBe(3)
    expect(parseWorkers('1', 8)).toBe(1)
    expect(parseWorkers('4', 2)).toBe(4)
    for (const bad of ['0', '-1', '1.5', 'two', '65'])
      expect(() => parseWorkers(bad, 2)).toThrow(
        `--workers takes a whole number from 1 to 64, or auto (got ${bad})`,
      )
  })
})

describe.skipIf(onPostgres)('serve --workers 2 (SQLite)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kw-workers-'))
  const token = randomBytes(18).toString('base64url')
  let entry: string
  let server: Awaited<ReturnType<typeof startNode>> | null = null
  let url: string
  let rx: Awaited<ReturnType<typeof startReceiver>>
  let key: string
  let productId: string
  let srKey: string
  let srProductNum: number
  let authSecret: string

  const start = async () => {
    server = await startNode(
      [entry, '--data', dataDir, '--port', '0', '--console', '--workers', '2'],
      {
        env: { KEYWARDEN_SETUP_TOKEN: token },
        ready: /listening on (http:\/\/127\.0\.0\.1:\d+)[\s\S]*Workers: 2/,
        name: 'keywarden --workers 2',
      },
    )
    url = server.match[1]
  }

  beforeAll(async () => {
    entry = ensureBuilt()
    rx = await startReceiver(SECRET)
    // The installation, made in-process first: a product whose validate limit is 5 a minute,
    // a license, a SellRealm vendor with a key, and a webhook on activations.
    seedServerKey(dataDir)
    const rt = await startRuntime({ dataDir, host: '127.0.0.1', port: 0, setupToken: token })
    const s = rt.services
    const tiny = { url: rt.server!.url, runtime: rt } as unknown as TestServer
    tiny.json = async (path, init = {}) => {
      const res = await fetch(rt.server!.url + path, {
        method: init.body === undefined ? 'GET' : 'POST',
        headers: { 'content-type': 'application/json', ...init.headers },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
      })
      return { status: res.status, body: await res.json(), headers: res.headers } as never
    }
    const v = await vendor(tiny, 'vendor@example.com')
    authSecret = v.authSecret
    const product = await s.products.create(CONSOLE, {
      name: 'App',
      policy: { validate_per_minute: 5 },
    })
    productId = product.id
    key = (await s.licenses.create(CONSOLE, { product_id: product.id, max_uses: 3 })).license_key
    const game = await s.products.create(v.actor, {
      name: 'Game',
      policy: { validate_per_minute: 1000 },
    })
    srProductNum = game.num
    srKey = (await s.licenses.create(v.actor, { product_id: game.id, type: 'lifetime' }))
      .license_key
    await s.webhooks.create(CONSOLE, {
      url: rx.url,
      events: ['license.activated'],
      secret: SECRET,
    } as never)
    await rt.close()
    await start()
  }, 60_000)

  afterAll(async () => {
    await server?.stop()
    await rx?.close()
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('answers on one port from two worker processes', async () => {
    expect(childPids(server!.pid)).toHaveLength(2)
    const answers = await Promise.all(
      Array.from({ length: 4 }, () => post(url, '/api/client/validate', {})),
    )
    // Every connection is answered, in the client API's own error shape.
    for (const a of answers) expect(a.body).toMatchObject({ success: false })
  })

  it('a session opened on one worker heartbeats on the others; a rotated token is refused everywhere', async () => {
    const a = await post(url, '/api/client/activate', {
      license_key: key,
      product_id: productId,
      hwid: 'machine-1',
    })
    expect(a.status).toBe(200)
    let tokenNow: string = a.body.data.session.token
    const first = tokenNow
    for (let i = 0; i < 4; i++) {
      const h = await post(url, '/api/client/heartbeat', {
        license_key: key,
        product_id: productId,
        hwid: 'machine-1',
        session_token: tokenNow,
      })
      expect(h.status).toBe(200)
      tokenNow = h.body.data.new_token
    }
    for (let i = 0; i < 2; i++) {
      const old = await post(url, '/api/client/heartbeat', {
        license_key: key,
        product_id: productId,
        hwid: 'machine-1',
        session_token: first,
      })
      expect(old.status).toBe(401)
    }
  })

  it('one webhook delivery for an activation, whichever worker answered it', async () => {
    await until(() => rx.received.some((d) => d.body.event === 'license.activated'), 10_000)
    // Both workers run the outbox: give the other one time to (wrongly) send it again.
    await new Promise((r) => setTimeout(r, 2000))
    const sent = rx.received.filter((d) => d.body.event === 'license.activated')
    expect(sent).toHaveLength(1)
  })

  it('the per-license validate limit (5 a minute) is counted across the workers', async () => {
    const answers: Answer[] = []
    for (let i = 0; i < 10; i++) {
      answers.push(
        await post(url, '/api/client/validate', {
          license_key: key,
          product_id: productId,
          hwid: 'machine-1',
        }),
      )
    }
    expect(answers.filter((r) => r.status === 200)).toHaveLength(5)
    expect(answers.filter((r) => r.status === 429)).toHaveLength(5)
  })

  it(`a HWID banned through one worker is refused by every worker within ${CHANGE_BOUND_MS} ms`, async () => {
    // The vendor is the first account (registered with the setup token): the owner.
    const login = await post(url, '/api/auth/login', {
      email: 'vendor@example.com',
      password: 'correct horse battery 9',
    })
    expect(login.status).toBe(200)
    const jwt: string = login.body.data.token
    const srLogin = (hwid: string) =>
      post(
        url,
        '/api/v0/',
        { key: srKey, hwid, auth_secret: authSecret, product_id: String(srProductNum) },
        true,
      )
    // Both workers have screened a request (and built their blacklist matcher) before the ban.
    for (let i = 0; i < 2; i++) expect((await srLogin('HWID-BEFORE')).status).toBe(200)
    const banned = 'HWID-BANNED-1'
    const ban = await new Promise<Answer>((resolve, reject) => {
      const req = request(
        url + '/api/security/blacklist',
        {
          method: 'POST',
          agent: false,
          headers: {
            connection: 'close',
            'content-type': 'application/json',
            authorization: `Bearer ${jwt}`,
          },
        },
        (res) => {
          let raw = ''
          res.on('data', (c: Buffer) => (raw += c))
          res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(raw) }))
        },
      )
      req.on('error', reject)
      req.end(JSON.stringify({ type: 'hwid', value: banned }))
    })
    expect(ban.status).toBe(201)
    const banAt = Date.now()
    await new Promise((r) => setTimeout(r, CHANGE_BOUND_MS))
    // Four new connections: both workers, twice each.
    for (let i = 0; i < 4; i++) {
      const r = await srLogin(banned)
      expect(r.status, `request ${i}, ${Date.now() - banAt} ms after the ban`).toBe(403)
    }
  })

  it("the console's live stream, on one worker, shows the events every worker records", async () => {
    const login = await new Promise<{ cookie: string }>((resolve, reject) => {
      const req = request(
        url + '/console/login',
        {
          method: 'POST',
          agent: false,
          headers: { connection: 'close', 'content-type': 'application/json' },
        },
        (res) => {
          res.resume()
          res.on('end', () => resolve({ cookie: String(res.headers['set-cookie']).split(';')[0] }))
        },
      )
      req.on('error', reject)
      req.end(JSON.stringify({ email: 'vendor@example.com', password: 'correct horse battery 9' }))
    })
    let pushed = ''
    const stream = request(url + '/console/events', {
      agent: false,
      headers: { cookie: login.cookie },
    })
    const opened = new Promise<void>((resolve) =>
      stream.on('response', (res) => {
        res.setEncoding('utf8')
        res.on('data', (c: string) => {
          pushed += c
          resolve()
        })
      }),
    )
    stream.on('error', () => {})
    stream.end()
    await opened
    // The other worker learns that a stream is open (one message through the primary).
    await new Promise((r) => setTimeout(r, 300))
    try {
      const a = await post(url, '/api/client/activate', {
        license_key: key,
        product_id: productId,
        hwid: 'machine-2',
      })
      expect(a.status).toBe(200)
      let tokenNow: string = a.body.data.session.token
      for (let i = 0; i < 5; i++) {
        const h = await post(url, '/api/client/heartbeat', {
          license_key: key,
          product_id: productId,
          hwid: 'machine-2',
          session_token: tokenNow,
        })
        expect(h.status).toBe(200)
        tokenNow = h.body.data.new_token
      }
      // Six requests on six connections, alternating workers: all six events reach the stream.
      await until(() => (pushed.match(/"machine-2"/g) ?? []).length >= 6, 5000)
    } finally {
      stream.destroy()
    }
  })

  it('an acknowledged check_session nonce rotation survives kill -9 of every process', async () => {
    const login = await post(
      url,
      '/api/v0/',
      {
        key: srKey,
        hwid: 'HWID-BEFORE',
        auth_secret: authSecret,
        product_id: String(srProductNum),
      },
      true,
    )
    expect(login.status).toBe(200)
    const check = (nonce: string) =>
      post(
        url,
        '/api/v0/',
        {
          type: 'check_session',
          session_id: login.body.session_id,
          nonce,
          auth_secret: authSecret,
          product_id: String(srProductNum),
        },
        true,
      )
    const first: string = login.body.nonce
    const r = await check(first)
    expect(r.status).toBe(200)
    const acknowledged: string = r.body.nonce
    // Every process at once, no shutdown: the primary and both workers.
    const pids = [server!.pid, ...childPids(server!.pid)]
    for (const pid of pids) process.kill(pid, 'SIGKILL')
    await new Promise((r) => server!.child.once('exit', r))
    await until(() => pids.every((p) => !alive(p)), 5000)
    server = null
    await start()
    expect((await check(first)).status).toBe(403)
    const next = await check(acknowledged)
    expect(next.status).toBe(200)
    expect(next.body.nonce).not.toBe(acknowledged)
  })
})

function childPids(pid: number): number[] {
  const text = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim()
  return text ? text.split(/\s+/).map(Number) : []
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}
