import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../helpers/server'
import { firstAdmin } from '../helpers/mgmt'
import {
  HirezClient,
  asText,
  get,
  md5Signature,
  parseXml,
  timestampOf,
} from '../helpers/hirez-client'
import { developer, productWithLicense } from './hirez-helpers'

/**
 * Issue 15: the Hi-Rez-style developer API over real HTTP — the reference's signature, every
 * method in JSON and XML (the XML parsed and compared with the JSON), each error string,
 * case-insensitive method names and minute-rounded timestamps. The clock is injected.
 */
let s: TestServer
let jwt: string
const now = new Date('2026-12-01T18:30:05Z')
const clock = () => now
let c: HirezClient
let key: string
let productId: string

beforeAll(async () => {
  s = await startTestServer({ clock })
  jwt = (await firstAdmin(s)).token
  const seeded = await productWithLicense(s)
  key = seeded.key
  productId = seeded.product.id
  c = (await developer(s, jwt, { limits: { license_allotment: 5 } }, clock)).client
})
afterAll(() => s.stop())

/** Calls a method in both formats and checks the XML carries the same data as the JSON. */
async function both(method: string, params: (string | number)[] = []) {
  const json = await c.call(method, params)
  const xml = await c.call(method, params, { format: 'xml' })
  expect(json.status).toBe(200)
  expect(json.contentType).toMatch(/^application\/json/)
  expect(xml.status).toBe(200)
  expect(xml.contentType).toMatch(/^application\/xml/)
  expect(xml.text.startsWith('<?xml version="1.0" encoding="utf-8"?>')).toBe(true)
  return { json: json.body, xml: xml.text, parsed: parseXml(xml.text) }
}

describe('signature', () => {
  it('is the reference example: md5 of devId + method + authKey + timestamp', () => {
    expect(
      md5Signature(1004, 'createsession', '23DF3C7E9BD14D84BF892AD206B6755C', '20170804143735'),
    ).toBe('cbda2611f11b4e229ea1db6838de0ac5')
  })
})

describe('methods in JSON and XML', () => {
  it('ping: the reference’s layout word for word, no parameters', async () => {
    const json = await get(`${s.url}/hirez/pingjson`)
    expect(json.status).toBe(200)
    expect(json.body).toBe(
      'KeywardenApi (ver 0.1.0) [PATCH - 0.1] - Ping successful. Server Date:12/1/2026 6:30:05 PM',
    )
    const words = (json.body as string).split(' ')
    expect([words[0], words[2], words[5], words[8], words.slice(10, 13).join(' ')]).toEqual([
      'KeywardenApi',
      '0.1.0)',
      '0.1]',
      'successful.',
      'Date:12/1/2026 6:30:05 PM',
    ])
    const xml = await get(`${s.url}/hirez/PingXML`)
    expect(xml.text).toBe(`<?xml version="1.0" encoding="utf-8"?><string>${json.body}</string>`)
  })

  it('createsession: Approved, an alphanumeric session id, the server date', async () => {
    const json = await c.createSession()
    expect(json.status).toBe(200)
    expect(json.body).toEqual({
      ret_msg: 'Approved',
      session_id: expect.stringMatching(/^[A-Za-z0-9]{32}$/),
      timestamp: '12/1/2026 6:30:05 PM',
    })
    const xml = await c.call('createsession', [], { format: 'xml' })
    const parsed = parseXml(xml.text) as Record<string, string>
    expect(parsed).toEqual({ ...json.body, session_id: expect.stringMatching(/^[A-Za-z0-9]{32}$/) })
    expect(xml.text).toMatch(/^<\?xml[^>]*\?><Session><ret_msg>Approved<\/ret_msg><session_id>/)
  })

  it('testsession: a successful test for a live session', async () => {
    const r = await both('testsession')
    expect(r.json).toMatch(/^This was a successful test with the following parameters added: /)
    expect(r.json).toContain(`developer: ${c.devId} time: 12/1/2026 6:30:05 PM`)
    expect(r.json).toContain(`session: ${c.session}`)
    expect(r.parsed).toBe(r.json)
  })

  it('getdataused: one record with the limits and today’s counts', async () => {
    const r = await both('getdataused')
    expect(r.json).toEqual([
      {
        Active_Sessions: 2,
        Concurrent_Sessions: 50,
        Request_Limit_Daily: 7500,
        Session_Cap: 500,
        Session_Time_Limit: 15,
        // 2 createsession, 2 testsession, this JSON call (the XML call after it counts 6)
        Total_Requests_Today: 5,
        Total_Sessions_Today: 2,
        ret_msg: null,
      },
    ])
    expect(r.parsed).toEqual(asText([{ ...r.json[0], Total_Requests_Today: 6 }]))
    expect(r.xml).toContain('<ArrayOfDataUsed><DataUsed><Active_Sessions>2</Active_Sessions>')
    expect(r.xml).toContain('<ret_msg nil="true"/></DataUsed></ArrayOfDataUsed>')
  })

  it('gethirezserverstatus: UP', async () => {
    const r = await both('gethirezserverstatus')
    expect(r.json).toEqual([
      {
        status: 'UP',
        platform: 'PC',
        environment: 'live',
        version: '0.1.0',
        entry_datetime: '2026-12-01 18:30:05.000',
        limited_access: false,
        ret_msg: null,
      },
    ])
    expect(r.parsed).toEqual(asText(r.json))
  })

  it('getlicense and getlicensemachines: the license and its machines', async () => {
    const lic = await both('getlicense', [key])
    expect(lic.json).toEqual([
      expect.objectContaining({
        license_key: key,
        product_id: productId,
        status: 'active',
        max_uses: 1,
        current_uses: 0,
        ret_msg: null,
      }),
    ])
    expect(lic.parsed).toEqual(asText(lic.json))
    // A machine activates through the client API (the same engine), then is listed.
    const act = await s.json('/api/client/activate', {
      body: { license_key: key, product_id: productId, hwid: 'PC-1' },
    })
    expect(act.status).toBe(200)
    const m = await both('getlicensemachines', [key])
    expect(m.json).toEqual([
      expect.objectContaining({ hwid: 'PC-1', open_sessions: 1, ret_msg: null }),
    ])
    expect(m.parsed).toEqual(asText(m.json))
  })

  it('resethwid: frees the machines and ends their sessions (the lifecycle)', async () => {
    const r = await c.call('resethwid', [key])
    expect(r.body).toEqual([
      {
        license_key: key,
        status: 'active',
        machines_released: 1,
        sessions_revoked: 1,
        ret_msg: null,
      },
    ])
    const xml = await c.call('resethwid', [key], { format: 'xml' })
    expect(parseXml(xml.text)).toEqual(
      asText([{ ...r.body[0], machines_released: 0, sessions_revoked: 0 }]),
    )
    expect((await c.call('getlicensemachines', [key])).body).toEqual([])
    expect((await c.call('getlicensemachines', [key], { format: 'xml' })).text).toBe(
      '<?xml version="1.0" encoding="utf-8"?><ArrayOfMachine/>',
    )
  })

  it('createlicenses: from the allotment, by product id or number', async () => {
    const r = await both('createlicenses', [productId, 2])
    expect(r.json).toHaveLength(2)
    expect(r.json[0]).toMatchObject({ product_id: productId, status: 'active', ret_msg: null })
    const parsed = r.parsed as Record<string, string>[]
    expect(parsed).toHaveLength(2)
    expect(parsed[0]).toEqual(
      asText({
        ...r.json[0],
        license_key: parsed[0].license_key,
        created_at: parsed[0].created_at,
      }),
    )
    const num = (await s.runtime.services.products.get({ kind: 'console' }, productId)).num
    // 4 of 5 used: one left.
    const over = await c.call('createlicenses', [num, 2])
    expect(over.body).toEqual([{ ret_msg: 'License allotment exhausted: 1 left, 2 asked' }])
    const one = await c.call('createlicenses', [num, 1])
    expect(one.body).toHaveLength(1)
    const bad = await c.call('createlicenses', [productId, 0])
    expect(bad.body).toEqual([{ ret_msg: 'count must be a whole number from 1 to 100' }])
  })

  it('banlicense: banned for good; banning again and unknown keys are refused', async () => {
    const r = await c.call('banlicense', [key])
    expect(r.body).toEqual([
      {
        license_key: key,
        status: 'banned',
        machines_released: 0,
        sessions_revoked: 0,
        ret_msg: null,
      },
    ])
    const again = await c.call('banlicense', [key], { format: 'xml' })
    expect(parseXml(again.text)).toEqual([{ ret_msg: 'License is banned' }])
    expect((await c.call('getlicense', ['NOPE-NOPE'])).body).toEqual([
      { ret_msg: 'License not found' },
    ])
    const ev = await s.runtime.services.events.recent({ kind: 'console' }, 50)
    const banned = ev.find((e) => e.type === 'license.banned')
    expect(banned?.details).toMatchObject({
      protocol: 'hirez',
      dev_id: c.devId,
      method: 'banlicense',
    })
    expect(ev.map((e) => e.type)).toEqual(
      expect.arrayContaining([
        'hirez.session_created',
        'hirez.license_read',
        'hirez.machines_read',
        'hirez.licenses_created',
        'license.hwid_reset',
      ]),
    )
  })
})

describe('XML', () => {
  it('escapes text: a product named with markup reads back the same', async () => {
    const svc = s.runtime.services
    const product = await svc.products.create({ kind: 'console' }, { name: 'Tom & Jerry <3> "x"' })
    const lic = await svc.licenses.create({ kind: 'console' }, { product_id: product.id })
    const json = await c.call('getlicense', [lic.license_key])
    const xml = await c.call('getlicense', [lic.license_key], { format: 'xml' })
    expect(xml.text).toContain(
      '<product_name>Tom &amp; Jerry &lt;3&gt; &quot;x&quot;</product_name>',
    )
    expect(parseXml(xml.text)).toEqual(asText(json.body))
  })
})

describe('URLs', () => {
  it('method names are case-insensitive; the signature uses the lowercase name', async () => {
    for (const spelling of ['GetDataUsed', 'GETDATAUSED', 'getDataUsed']) {
      const r = await c.call('getdataused', [], { spelling })
      expect(r.body[0].ret_msg).toBeNull()
    }
    const xml = await c.call('getdataused', [], { spelling: 'GetDataUsed', format: 'XML' as 'xml' })
    expect(xml.contentType).toMatch(/xml/)
    const created = await c.createSession({ spelling: 'CreateSession', format: 'JSON' as 'json' })
    expect(created.body.ret_msg).toBe('Approved')
  })

  it('accepts the signature in upper case and clients that round the timestamp to the minute', async () => {
    const ts = timestampOf(now)
    const sig = md5Signature(c.devId, 'testsession', c.authKey, ts).toUpperCase()
    expect((await c.call('testsession', [], { signature: sig, timestamp: ts })).body).toMatch(
      /^This was a successful test/,
    )
    for (const rounded of ['20261201183000', '20261201183100']) {
      const r = await c.call('testsession', [], { timestamp: rounded })
      expect(r.body).toMatch(/^This was a successful test/)
    }
  })

  it('an unknown method or a wrong number of segments is a 404', async () => {
    expect((await get(`${s.url}/hirez/getmatchdetailsjson/1/2/3/4`)).status).toBe(404)
    expect((await get(`${s.url}/hirez/pingcsv`)).status).toBe(404)
    const short = await get(`${s.url}/hirez/createsessionjson/${c.devId}/abc`)
    expect(short.status).toBe(404)
    expect(short.body).toEqual({ ret_msg: 'Method not found' })
    const xml = await get(`${s.url}/hirez/nosuchxml`)
    expect(xml.status).toBe(404)
    expect(parseXml(xml.text)).toEqual({ ret_msg: 'Method not found' })
  })

  it('a malformed URL is a 200 with ret_msg, not an outage', async () => {
    const r = await get(`${s.url}/hirez/getlicensejson/${c.devId}/x/y/z/%E0%A4%A`)
    expect(r.status).toBe(200)
    expect(r.body).toEqual({ ret_msg: 'Invalid request' })
  })

  it('is in the OpenAPI document, each method public', async () => {
    const doc = (await s.json('/api/openapi.json')).body
    const op = doc.paths['/hirez/createsessionjson/{devId}/{signature}/{timestamp}'].get
    expect(op['x-keywarden-scope']).toBe('public')
    expect(op.description).toMatch(/credential is the developer id and the MD5 signature/)
    expect(doc.paths['/hirez/pingxml'].get['x-keywarden-scope']).toBe('public')
    expect(
      doc.paths[
        '/hirez/createlicensesxml/{devId}/{signature}/{session}/{timestamp}/{product_id}/{count}'
      ],
    ).toBeDefined()
  })
})

describe('each error string', () => {
  const ret = (r: { body: unknown }) =>
    Array.isArray(r.body)
      ? (r.body[0] as { ret_msg: string }).ret_msg
      : (r.body as { ret_msg: string }).ret_msg

  it('Failed to validate DeveloperId / Exception while validating developer access.Invalid signature', async () => {
    const unknown = await c.createSession({ devId: 1 })
    expect(unknown.status).toBe(200)
    expect(ret(unknown)).toBe('Failed to validate DeveloperId')
    expect(ret(await c.call('getdataused', [], { devId: 'abc' }))).toBe(
      'Failed to validate DeveloperId',
    )
    const wrong = await c.call('createsession', [], { signature: 'f'.repeat(32) })
    expect(wrong.body).toEqual({
      ret_msg: 'Exception while validating developer access.Invalid signature',
      session_id: null,
      timestamp: '12/1/2026 6:30:05 PM',
    })
    const xml = await c.call('createsession', [], { signature: 'f'.repeat(32), format: 'xml' })
    expect(parseXml(xml.text)).toEqual(asText(wrong.body))
  })

  it('Invalid signature / Invalid session id.', async () => {
    expect(ret(await c.call('getdataused', [], { signature: '0'.repeat(32) }))).toBe(
      'Invalid signature',
    )
    // A signature for another method does not sign this one.
    const ts = timestampOf(now)
    const other = md5Signature(c.devId, 'getdataused', c.authKey, ts)
    expect(ret(await c.call('getlicense', [key], { signature: other, timestamp: ts }))).toBe(
      'Invalid signature',
    )
    expect(ret(await c.call('getdataused', [], { session: 'NOSUCHSESSION' }))).toBe(
      'Invalid session id.',
    )
    expect((await c.call('testsession', [], { session: 'NOSUCHSESSION' })).body).toBe(
      'Invalid session id.',
    )
    const xml = await c.call('testsession', [], { session: 'NOSUCHSESSION', format: 'xml' })
    expect(parseXml(xml.text)).toBe('Invalid session id.')
  })

  it('Invalid date format / Exception - Timestamp / Error while comparing Server and Client timestamp', async () => {
    expect(ret(await c.createSession({ timestamp: '2026-12-01' }))).toBe('Invalid date format')
    expect(ret(await c.createSession({ timestamp: '20261301183005' }))).toBe(
      'Exception - Timestamp',
    )
    const sig = md5Signature(c.devId, 'getdataused', c.authKey, '20261232183005')
    expect(
      ret(await c.call('getdataused', [], { timestamp: '20261232183005', signature: sig })),
    ).toBe(
      `Exception - Timestamp Your signature: ${sig} Your timestamp: 20261232183005 Your session ID: ${c.session}`,
    )
    expect(ret(await c.createSession({ timestamp: '20261201183506' }))).toBe(
      'Error while comparing Server and Client timestamp',
    )
    expect(ret(await c.createSession({ timestamp: '20261201182504' }))).toBe(
      'Error while comparing Server and Client timestamp',
    )
    // Exactly five minutes away is still inside the window.
    expect(ret(await c.createSession({ timestamp: '20261201183505' }))).toBe('Approved')
  })

  it('a NUL in a parameter is refused in the protocol’s shape (PostgreSQL cannot hold it)', async () => {
    const r = await c.call('getlicense', ['AB\u0000CD'])
    expect(r.status).toBe(200)
    expect(r.body).toEqual([{ ret_msg: 'params.key: text may not contain NUL (U+0000)' }])
  })
})
