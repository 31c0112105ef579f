import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../helpers/server'
import { api, firstAdmin, userAccount } from '../helpers/mgmt'

describe('management API: products', () => {
  let s: TestServer
  let admin: { token: string; id: string }
  let user: { token: string; id: string }
  let adminProduct: { id: string; secret_key: string }
  beforeAll(async () => {
    s = await startTestServer()
    admin = await firstAdmin(s)
    user = await userAccount(s, admin.token)
  })
  afterAll(() => s.stop())

  it('refuses every product route without a token', async () => {
    const a = api(s)
    const calls = [
      a.get('/api/products'),
      a.post('/api/products', { name: 'x' }),
      a.get('/api/products/some-id'),
      a.put('/api/products/some-id', { name: 'x' }),
      a.del('/api/products/some-id'),
      a.post('/api/products/some-id/regenerate-key'),
    ]
    for (const r of await Promise.all(calls)) {
      expect(r.status).toBe(401)
      expect(r.body).toMatchObject({ success: false, error_code: 'UNAUTHORIZED' })
    }
  })

  it('creates a product with the reference body and shows its secret key to its owner', async () => {
    const r = await api(s, admin.token).post('/api/products', {
      name: 'My App',
      description: 'My application',
    })
    expect(r.status).toBe(201)
    expect(r.body.success).toBe(true)
    expect(r.body.data).toMatchObject({
      name: 'My App',
      description: 'My application',
      is_active: true,
      owner_id: admin.id,
    })
    expect(r.body.data.secret_key).toMatch(/^sk_live_[A-Za-z0-9]{40,}$/)
    expect(r.body.data.created_at).toMatch(/Z$/)
    adminProduct = r.body.data

    const list = await api(s, admin.token).get('/api/products')
    expect(list.status).toBe(200)
    expect(Array.isArray(list.body.data)).toBe(true)
    expect(list.body.data.map((p: { id: string }) => p.id)).toContain(adminProduct.id)

    const one = await api(s, admin.token).get(`/api/products/${adminProduct.id}`)
    expect(one.body.data).toMatchObject({
      id: adminProduct.id,
      secret_key: adminProduct.secret_key,
    })
  })

  it('updates name, description and active flag', async () => {
    const r = await api(s, admin.token).put(`/api/products/${adminProduct.id}`, {
      name: 'Updated Name',
      description: 'Updated description',
      is_active: false,
    })
    expect(r.status).toBe(200)
    expect(r.body.data).toMatchObject({
      name: 'Updated Name',
      description: 'Updated description',
      is_active: false,
    })
    const back = await api(s, admin.token).put(`/api/products/${adminProduct.id}`, {
      is_active: true,
    })
    expect(back.body.data).toMatchObject({ name: 'Updated Name', is_active: true })
  })

  it('regenerates the secret key: the new one is stored, the old one finds nothing', async () => {
    const r = await api(s, admin.token).post(`/api/products/${adminProduct.id}/regenerate-key`)
    expect(r.status).toBe(200)
    expect(r.body.data.secret_key).toMatch(/^sk_live_/)
    expect(r.body.data.secret_key).not.toBe(adminProduct.secret_key)
    const one = await api(s, admin.token).get(`/api/products/${adminProduct.id}`)
    expect(one.body.data.secret_key).toBe(r.body.data.secret_key)
    const { findProductBySecretHash } = await import('../../src/main/db/repositories/products')
    const { sha256Hex } = await import('../../src/main/crypto/random')
    expect(
      await findProductBySecretHash(s.runtime.store.db, sha256Hex(adminProduct.secret_key)),
    ).toBeUndefined()
    adminProduct = one.body.data
  })

  it('scopes products by owner: a user sees and changes only their own; an admin sees all', async () => {
    const mine = await api(s, user.token).post('/api/products', { name: 'User App' })
    expect(mine.status).toBe(201)
    expect(mine.body.data.owner_id).toBe(user.id)

    const userList = await api(s, user.token).get('/api/products')
    expect(userList.body.data.map((p: { id: string }) => p.id)).toEqual([mine.body.data.id])

    for (const r of [
      await api(s, user.token).get(`/api/products/${adminProduct.id}`),
      await api(s, user.token).put(`/api/products/${adminProduct.id}`, { name: 'hijack' }),
      await api(s, user.token).post(`/api/products/${adminProduct.id}/regenerate-key`),
      await api(s, user.token).del(`/api/products/${adminProduct.id}`),
    ]) {
      expect(r.status).toBe(404)
      expect(r.body).toMatchObject({ success: false, error_code: 'PRODUCT_NOT_FOUND' })
    }
    const still = await api(s, admin.token).get(`/api/products/${adminProduct.id}`)
    expect(still.body.data.name).toBe('Updated Name')

    const adminList = await api(s, admin.token).get('/api/products')
    const ids = adminList.body.data.map((p: { id: string }) => p.id)
    expect(ids).toEqual(expect.arrayContaining([adminProduct.id, mine.body.data.id]))
    const adminSeesUsers = await api(s, admin.token).get(`/api/products/${mine.body.data.id}`)
    expect(adminSeesUsers.status).toBe(200)
  })

  it('answers bad input with 400 VALIDATION_ERROR naming the field', async () => {
    const a = api(s, admin.token)
    const empty = await a.post('/api/products', { name: '' })
    expect(empty.status).toBe(400)
    expect(empty.body).toMatchObject({ success: false, error_code: 'VALIDATION_ERROR' })
    expect(empty.body.message).toMatch(/^body\.name: Name is required/)
    const missing = await a.post('/api/products', { description: 'no name' })
    expect(missing.status).toBe(400)
    expect(missing.body.message).toContain('body.name')
    const wrongType = await a.put(`/api/products/${adminProduct.id}`, { is_active: 'yes' })
    expect(wrongType.status).toBe(400)
    expect(wrongType.body.message).toContain('body.is_active')
    const malformed = await a.post('/api/products', '{"name":')
    expect(malformed.status).toBe(400)
    expect(malformed.body.message).toBe('Malformed JSON body')
    const huge = await a.post('/api/products', { name: 'x', description: 'y'.repeat(1_100_000) })
    expect(huge.status).toBe(413)
    const notJson = await s.json('/api/products', {
      method: 'POST',
      body: 'name=x',
      headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'text/plain' },
    })
    // Issue 11: management routes take JSON only (text/plain is what a cross-site form can send).
    expect(notJson.status).toBe(415)
    expect(notJson.body).toMatchObject({ success: false, error_code: 'VALIDATION_ERROR' })
    expect(notJson.body.message).toMatch(/application\/json/)
    const xml = await s.json('/api/products', {
      method: 'POST',
      body: '<name>x</name>',
      headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/xml' },
    })
    expect(xml.status).toBe(415)
    expect(xml.body).toMatchObject({ success: false, error_code: 'VALIDATION_ERROR' })
  })

  it('deletes a product (and answers 404 after)', async () => {
    const p = await api(s, admin.token).post('/api/products', { name: 'Doomed' })
    const del = await api(s, admin.token).del(`/api/products/${p.body.data.id}`)
    expect(del.status).toBe(200)
    expect(del.body).toEqual({ success: true, data: { id: p.body.data.id, deleted: true } })
    const gone = await api(s, admin.token).get(`/api/products/${p.body.data.id}`)
    expect(gone.status).toBe(404)
    expect(gone.body.error_code).toBe('PRODUCT_NOT_FOUND')
  })
})
