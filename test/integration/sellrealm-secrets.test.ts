import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../helpers/server'
import { vendor, v0 } from './sellrealm-helpers'
import { encryptParam } from '../../src/main/http/protocols/sellrealm/encryption'
import { listLicensesSchema } from '@shared/schemas'

describe('account secrets, encrypted parameters and variables over HTTP', () => {
  let s: TestServer
  let v: Awaited<ReturnType<typeof vendor>>
  let productId: string
  let productNum: number

  beforeAll(async () => {
    s = await startTestServer()
    v = await vendor(s, 'secrets@example.com')
    const p = await s.runtime.services.products.create(v.actor, { name: 'App' })
    productId = p.id
    productNum = p.num
  })
  afterAll(() => s.stop())

  it('reads the two 48-character secrets, and regenerating stops the old ones at once', async () => {
    expect(v.authSecret).toMatch(/^[A-Za-z0-9]{48}$/)
    expect(v.storeSecret).toMatch(/^[A-Za-z0-9]{48}$/)
    expect(v.authSecret).not.toBe(v.storeSecret)
    const l = await s.runtime.services.licenses.create(v.actor, { product_id: productId })
    const get = (secret: string) =>
      v0(s, { type: 'get_hwid', key: l.license_key, auth_secret: secret })
    expect((await get(v.authSecret)).status).toBe(200)
    expect(
      (await s.json('/api/v1/products', { headers: { authorization: `Bearer ${v.storeSecret}` } }))
        .status,
    ).toBe(200)

    const regen = await s.json('/api/account/secrets/regenerate', {
      method: 'POST',
      headers: v.auth,
    })
    expect(regen.status).toBe(200)
    const fresh = regen.body.data
    expect(fresh.auth_secret).toMatch(/^[A-Za-z0-9]{48}$/)
    expect(fresh.auth_secret).not.toBe(v.authSecret)
    expect((await s.json('/api/account/secrets', { headers: v.auth })).body.data).toEqual(fresh)

    expect(await get(v.authSecret)).toEqual({
      status: 403,
      body: { status: 'error', message: 'Invalid key or auth secret' },
    })
    expect((await get(fresh.auth_secret)).status).toBe(200)
    expect(
      (await s.json('/api/v1/products', { headers: { authorization: `Bearer ${v.storeSecret}` } }))
        .status,
    ).toBe(403)
    expect(
      (
        await s.json('/api/v1/products', {
          headers: { authorization: `Bearer ${fresh.store_secret}` },
        })
      ).status,
    ).toBe(200)
    v.authSecret = fresh.auth_secret
    v.storeSecret = fresh.store_secret
  })

  it('refuses the secrets routes without a login', async () => {
    expect((await s.json('/api/account/secrets')).status).toBe(401)
    expect((await s.json('/api/account/secrets/regenerate', { method: 'POST' })).status).toBe(401)
  })

  it('accepts key and hwid encrypted (enc:v1) as well as plain, and refuses bad ciphertext clearly', async () => {
    const l = await s.runtime.services.licenses.create(v.actor, { product_id: productId })
    const enc = (name: string, value: string, secret = v.authSecret) =>
      encryptParam(secret, name, value)
    const r = await v0(s, {
      key: enc('key', l.license_key),
      hwid: enc('hwid', 'HW-ENC'),
      auth_secret: v.authSecret,
      product_id: productNum,
    })
    expect(r.status).toBe(200)
    // The decrypted HWID is what got bound: the plain form reaches the same machine.
    const plain = await v0(s, { type: 'get_hwid', key: l.license_key, auth_secret: v.authSecret })
    expect(plain.body.hwid).toBe('HW-ENC')

    const bad = {
      status: 400,
      body: {
        status: 'error',
        message:
          'Invalid encrypted parameter: key (expected enc:v1: AES-256-GCM with this auth_secret)',
      },
    }
    // Tampered, truncated, under another secret, or made for another parameter: all refused.
    const good = enc('key', l.license_key)
    const tampered = good.slice(0, -2) + (good.endsWith('AA') ? 'BB' : 'AA')
    for (const key of [
      tampered,
      'enc:v1:abc',
      enc('key', l.license_key, 'z'.repeat(48)),
      enc('hwid', l.license_key),
    ]) {
      expect(await v0(s, { type: 'get_hwid', key, auth_secret: v.authSecret })).toEqual(bad)
    }
    const reason = await v0(s, {
      type: 'ban_key',
      key: l.license_key,
      reason: 'enc:v1:!!',
      auth_secret: v.authSecret,
    })
    expect(reason.body.message).toMatch(/^Invalid encrypted parameter: reason/)
    const banned = await v0(s, {
      type: 'ban_key',
      key: l.license_key,
      reason: enc('reason', 'fraud'),
      auth_secret: v.authSecret,
    })
    expect(banned.status).toBe(200)
    expect(
      (
        await s.runtime.services.licenses.list(
          v.actor,
          listLicensesSchema.parse({ q: l.license_key }),
        )
      ).items[0].status_reason,
    ).toBe('fraud')
  })

  it('reproduces the README worked example byte for byte', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8')
    const section = readme.slice(readme.indexOf('## SellRealm encrypted parameters'))
    const grab = (label: string) => new RegExp(`${label}\\s*=\\s*\`([^\`]+)\``).exec(section)![1]
    const secret = grab('auth_secret')
    const iv = Buffer.from(grab('iv'), 'hex')
    expect(encryptParam(secret, 'key', grab('key'), iv)).toBe(grab('encrypted key'))
    expect(encryptParam(secret, 'hwid', grab('hwid'), iv)).toBe(grab('encrypted hwid'))
  })

  it('manages product and license variables over the management API, with clear errors', async () => {
    const l = await s.runtime.services.licenses.create(v.actor, { product_id: productId })
    const base = `/api/products/${productId}/variables`
    const post = (path: string, body: unknown) => s.json(path, { body, headers: v.auth })
    const created = await post(base, { name: 'max_users', type: 'string', value: '100' })
    expect(created.status).toBe(200)
    expect(created.body.data).toMatchObject({
      name: 'max_users',
      type: 'string',
      value: '100',
      scope: 'product',
    })
    // Upsert by name: same id, new value.
    const replaced = await post(base, { name: 'max_users', type: 'string', value: '200' })
    expect(replaced.body.data.id).toBe(created.body.data.id)
    expect(replaced.body.data.value).toBe('200')
    const file = await post(`/api/licenses/${l.id}/variables`, {
      name: 'cert',
      type: 'file',
      file_name: 'c.pem',
      data: Buffer.from('PEM').toString('base64'),
    })
    expect(file.body.data).toMatchObject({
      scope: 'license',
      type: 'file',
      value: null,
      file: { name: 'c.pem', size: 3 },
    })
    const one = await s.json(`/api/licenses/${l.id}/variables/cert`, { headers: v.auth })
    expect(one.body.data.data).toBe(Buffer.from('PEM').toString('base64'))
    expect(
      (await s.json(base, { headers: v.auth })).body.data.map((x: { name: string }) => x.name),
    ).toEqual(['max_users'])

    const tooBig = await post(base, {
      name: 'big',
      type: 'file',
      file_name: 'b.bin',
      data: Buffer.alloc(256 * 1024 + 1).toString('base64'),
    })
    expect(tooBig.status).toBe(400)
    expect(tooBig.body.message).toMatch(/larger than 256 KiB/)
    const badName = await post(base, { name: 'bad name!', type: 'string', value: 'x' })
    expect(badName.status).toBe(400)
    const badType = await post(base, { name: 'flag', type: 'boolean', value: 'yes' })
    expect(badType.status).toBe(400)
    const notBase64 = await post(base, { name: 'f', type: 'file', file_name: 'f', data: '***' })
    expect(notBase64.status).toBe(400)

    // Delete by id as well as by name.
    const byId = await s.json(`${base}/${created.body.data.id}`, {
      method: 'DELETE',
      headers: v.auth,
    })
    expect(byId.body).toEqual({ success: true, data: { deleted: true } })
    const gone = await s.json(`${base}/max_users`, { method: 'DELETE', headers: v.auth })
    expect(gone.status).toBe(404)
    expect(gone.body.message).toBe('Variable "max_users" not found')
    const otherProduct = await s.json('/api/products/not-a-product/variables', { headers: v.auth })
    expect(otherProduct.status).toBe(404)
  })
})
