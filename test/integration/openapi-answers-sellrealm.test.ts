import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { documentValidators } from '../helpers/openapi-document'
import { startTestServer, type TestServer } from '../helpers/server'
import { vendor, v0 } from './sellrealm-helpers'

/**
 * SellRealm's answers as the OpenAPI document describes them: every Store API v1 operation and
 * every License API v0 operation is called against a real server, and each real answer is
 * validated against the document's own schema for that operation. v0 has no Fastify response
 * schema (hot path), so this is what keeps its documentation true.
 */
let srv: TestServer
// eslint-disable-next-line @typescript-eslint/no-explicit-any
let doc: any
let v: ReturnType<typeof documentValidators>
let store: Record<string, string>
let authSecret: string
const checked = new Set<string>()

beforeAll(async () => {
  srv = await startTestServer()
  const seller = await vendor(srv, 'seller@example.com')
  store = { authorization: `Bearer ${seller.storeSecret}` }
  authSecret = seller.authSecret
  doc = (await srv.json('/api/openapi.json')).body
  v = documentValidators(doc)
})
afterAll(() => srv.stop())

const errorsOf = (...a: Parameters<typeof v.errorsOf>) => v.errorsOf(...a)

function validatorFor(method: string, path: string) {
  const op = doc.paths[path][method]
  const schema = op.responses['200'].content['application/json'].schema
  return { id: op.operationId as string, validate: v.compile(schema) }
}

function expectDocumented(method: string, path: string, body: unknown) {
  const { id, validate } = validatorFor(method, path)
  expect(errorsOf(validate, body), `${id}: ${JSON.stringify(body)}`).toEqual([])
  checked.add(id)
}

/** Calls the Store API and checks the answer against its documented schema. */
async function storeCall(
  method: 'get' | 'post' | 'patch',
  url: string,
  documentedPath: string,
  body?: unknown,
) {
  const r = await srv.json(url, { method: method.toUpperCase(), headers: store, body })
  expect(r.status, `${method} ${url}: ${JSON.stringify(r.body)}`).toBe(200)
  expectDocumented(method, documentedPath, r.body)
  return r.body
}

describe('SellRealm answers as documented', () => {
  it('Store API v1: products, keys, orders (create, get, pay, refund), customers, analytics', async () => {
    const created = await storeCall('post', '/api/v1/products', '/api/v1/products', {
      title: 'Plugin',
      price: 12.5,
      currency: 'EUR',
      stock: 10,
    })
    const productId = created.product_id as number
    await storeCall('get', '/api/v1/products', '/api/v1/products')
    const order = await storeCall('post', '/api/v1/orders', '/api/v1/orders', {
      product_id: productId,
      customer_email: 'buyer@example.com',
      quantity: 2,
    })
    const id = String(order.order_id)
    await storeCall('get', `/api/v1/orders/${id}`, '/api/v1/orders/{id}')
    const paid = await storeCall('patch', `/api/v1/orders/${id}`, '/api/v1/orders/{id}', {
      status: 'paid',
    })
    expect(paid.order.keys).toHaveLength(2)
    await storeCall('get', '/api/v1/orders', '/api/v1/orders')
    await storeCall('get', `/api/v1/keys?product_id=${productId}`, '/api/v1/keys')
    const customers = await storeCall('get', '/api/v1/customers', '/api/v1/customers')
    await storeCall(
      'get',
      `/api/v1/customers/${customers[0].customer_id}`,
      '/api/v1/customers/{id}',
    )
    await storeCall('get', '/api/v1/analytics', '/api/v1/analytics')
    const refunded = await storeCall(
      'post',
      `/api/v1/orders/${id}/refund`,
      '/api/v1/orders/{id}/refund',
    )
    expect(refunded.order.status).toBe('refunded')
  })

  it('License API v0: every operation, each answer one of the documented shapes', async () => {
    const p = await srv.json('/api/v1/products', {
      body: { title: 'Game', price: 0 },
      headers: store,
    })
    const o = await srv.json('/api/v1/orders', {
      body: { product_id: p.body.product_id, customer_email: 'gamer@example.com' },
      headers: store,
    })
    const paid = await srv.json(`/api/v1/orders/${o.body.order_id}`, {
      method: 'PATCH',
      body: { status: 'paid' },
      headers: store,
    })
    const key: string = paid.body.order.keys[0].key_value
    const base = { key, auth_secret: authSecret, product_id: p.body.product_id }
    const op = async (fields: Record<string, string | number | undefined>) => {
      const r = await v0(srv, { ...base, ...fields })
      expect(r.status, JSON.stringify(r.body)).toBe(200)
      expectDocumented('post', '/api/v0/', r.body)
      return r.body
    }
    const login = await op({ type: 'login', hwid: 'HW-1' })
    const check = await op({
      type: 'check_session',
      session_id: login.session_id,
      nonce: login.nonce,
    })
    expect(await op({ type: 'get_hwid' })).toMatchObject({ hwid: 'HW-1' })
    await op({ type: 'log_action', action_type: 'opened', action_details: 'menu' })
    await op({ type: 'terminate_session', session_id: login.session_id, nonce: check.nonce })
    await op({ type: 'reset_hwid' })
    await op({ type: 'restore_hwid', hwid: 'HW-2' })
    await op({ type: 'ban_key', reason: 'chargeback' })
  })

  it('the v0 shapes are strict: a field of another operation or a wrong type is refused', () => {
    const { validate } = validatorFor('post', '/api/v0/')
    const good = { status: 'success', message: 'HWID retrieved', hwid: 'HW-1' }
    expect(errorsOf(validate, good)).toEqual([])
    for (const bad of [
      { ...good, hwid: 7 },
      { ...good, surprise: true },
      { status: 'error', message: 'x' },
      { status: 'success', message: 'Key is valid', session_id: 's', nonce: 'n' },
    ]) {
      expect(errorsOf(validate, bad), JSON.stringify(bad)).not.toEqual([])
    }
  })

  it('covers every SellRealm operation, each typed (none is only the envelope)', () => {
    const sellrealm = Object.values(doc.paths as Record<string, Record<string, never>>)
      .flatMap((item) => Object.values(item) as { operationId?: string; responses?: never }[])
      .filter((op) => op.operationId?.startsWith('sellrealm'))
    expect(sellrealm.length).toBe(12)
    expect([...checked].sort()).toEqual(sellrealm.map((op) => op.operationId).sort())
    for (const op of sellrealm) {
      expect(JSON.stringify(op.responses), op.operationId).not.toContain('SellrealmSuccess')
    }
  })
})
