import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestServer } from '../helpers/server'
import { createKey } from '../helpers/apikeys'
import { dbOf } from '../helpers/db'
import { openInjectable } from '../helpers/devpayr-client'
import { ALL_SCOPES, call, devpayrServer, refusal } from './devpayr-helpers'

/** Issue 14: DevPayr's backend routes (X-API-KEY) over real HTTP, each refusal exactly. */
let srv: TestServer
let key: string
let jwt: string
const Q = '?include=injectables&action=check_project&unknown=1'

beforeAll(async () => {
  const s = await devpayrServer()
  srv = s.srv
  key = s.key
  jwt = s.admin.token
})
afterAll(() => srv.stop())

const ok = (message: string, data: unknown) => ({ status: 'success', message, data, errors: null })

async function newProject(body: Record<string, unknown> = { name: 'App' }) {
  const r = await call(srv, 'POST', '/project' + Q, { key, body })
  expect(r.status, JSON.stringify(r.body)).toBe(201)
  return r.body.data
}

describe('projects', () => {
  it('creates (unpaid), lists, gets by id or number, updates, answers has-paid and deletes', async () => {
    const r = await call(srv, 'POST', '/project' + Q, {
      key,
      body: { name: 'Site builder', description: 'A plugin' },
    })
    expect(r.status).toBe(201)
    expect(r.body).toEqual(
      ok('Project created', {
        id: expect.any(String),
        num: expect.any(Number),
        name: 'Site builder',
        description: 'A plugin',
        is_active: true,
        has_paid: false,
        created_at: expect.any(String),
        updated_at: expect.any(String),
      }),
    )
    const p = r.body.data
    const list = await call(srv, 'GET', '/projects' + Q, { key })
    expect(list.status).toBe(200)
    expect(list.body.data).toContainEqual(p)
    expect((await call(srv, 'GET', `/project/${p.id}${Q}`, { key })).body).toEqual(
      ok('Project retrieved', p),
    )
    expect((await call(srv, 'GET', `/project/${p.num}`, { key })).body.data.id).toBe(p.id)

    const put = await call(srv, 'PUT', `/project/${p.id}${Q}`, { key, body: { name: 'Renamed' } })
    expect(put.status).toBe(200)
    expect(put.body.data).toMatchObject({ name: 'Renamed', has_paid: false })
    const patch = await call(srv, 'PATCH', `/project/${p.id}`, { key, body: { has_paid: true } })
    expect(patch.body).toEqual(ok('Project updated', expect.objectContaining({ has_paid: true })))
    expect((await call(srv, 'GET', `/project/${p.id}/has-paid${Q}`, { key })).body).toEqual(
      ok('Project has been paid for', { project_id: p.id, has_paid: true }),
    )
    // Multipart-style text flags are booleans too.
    await call(srv, 'PUT', `/project/${p.id}`, { key, body: { has_paid: 'false' } })
    expect((await call(srv, 'GET', `/project/${p.id}/has-paid`, { key })).body).toEqual(
      ok('Project has not been paid for', { project_id: p.id, has_paid: false }),
    )
    const del = await call(srv, 'DELETE', `/project/${p.id}${Q}`, { key })
    expect(del.body).toEqual(ok('Project deleted', { id: p.id, deleted: true }))
    expect(await call(srv, 'GET', `/project/${p.id}`, { key })).toMatchObject({
      status: 404,
      body: refusal('Project not found'),
    })
  })

  it('a project created with has_paid starts paid; the console sees the same product', async () => {
    const p = await newProject({ name: 'Paid up front', has_paid: true })
    expect(p.has_paid).toBe(true)
    const product = await srv.json(`/api/products/${p.id}`, {
      headers: { authorization: `Bearer ${jwt}` },
    })
    expect(product.body.data).toMatchObject({ id: p.id, name: 'Paid up front', has_paid: true })
  })

  it('refuses without a key, with a bad key, without the scope, and invalid bodies', async () => {
    expect(await call(srv, 'GET', '/projects')).toMatchObject({
      status: 401,
      body: refusal('Missing API key: send the X-API-KEY header'),
    })
    expect(await call(srv, 'GET', '/projects', { key: 'kw_live_nope' })).toMatchObject({
      status: 401,
      body: refusal('Invalid API key'),
    })
    const readOnly = (await createKey(srv, jwt, { name: 'ro', scopes: ['products:read'] })).key
    expect(
      await call(srv, 'POST', '/project', { key: readOnly, body: { name: 'x' } }),
    ).toMatchObject({ status: 403, body: refusal('This API key lacks the products:write scope') })
    expect(await call(srv, 'POST', '/project', { key, body: {} })).toMatchObject({
      status: 422,
      body: refusal(/^The given data was invalid: name: /, { name: [expect.any(String)] }),
    })
    expect(
      await call(srv, 'POST', '/project', { key, body: { name: 'x', has_paid: 'maybe' } }),
    ).toMatchObject({
      status: 422,
      body: refusal(/^The given data was invalid: has_paid/, { has_paid: [expect.any(String)] }),
    })
    expect(await call(srv, 'GET', '/project/no-such-id', { key })).toMatchObject({
      status: 404,
      body: refusal('Project not found'),
    })
  })

  it('a product-bound key sees and changes only its own project', async () => {
    const mine = await newProject({ name: 'Mine' })
    const other = await newProject({ name: 'Other' })
    const bound = (
      await createKey(srv, jwt, { name: 'bound', scopes: ALL_SCOPES, product_id: mine.id })
    ).key
    const list = await call(srv, 'GET', '/projects', { key: bound })
    expect(list.body.data.map((p: { id: string }) => p.id)).toEqual([mine.id])
    expect(await call(srv, 'GET', `/project/${other.id}`, { key: bound })).toMatchObject({
      status: 404,
      body: refusal('Project not found'),
    })
    expect(await call(srv, 'GET', `/project/${other.id}/domains`, { key: bound })).toMatchObject({
      status: 404,
      body: refusal('Project not found'),
    })
    expect(await call(srv, 'POST', '/project', { key: bound, body: { name: 'x' } })).toMatchObject({
      status: 403,
      body: refusal('This API key is bound to one project'),
    })
    expect((await call(srv, 'GET', `/project/${mine.id}`, { key: bound })).status).toBe(200)
  })
})

describe('licenses', () => {
  it('issues with title, max_domains, expiry and environment; lists, gets, revokes, reactivates, deletes', async () => {
    const p = await newProject()
    const expires = '2031-01-01T00:00:00.000Z'
    const r = await call(srv, 'POST', `/project/${p.id}/licenses${Q}`, {
      key,
      body: { title: 'Acme Ltd', max_domains: 3, expires_at: expires, environment: 'staging' },
    })
    expect(r.status).toBe(201)
    const l = r.body.data
    expect(r.body).toEqual(
      ok('License created', {
        id: expect.any(String),
        uuid: expect.stringMatching(/^[A-Z0-9]{4}(-[A-Z0-9]{4}){3}$/),
        license_key: l.uuid,
        project_id: p.id,
        title: 'Acme Ltd',
        status: 'active',
        max_domains: 3,
        domains_used: 0,
        environment: 'staging',
        expires_at: expires,
        created_at: expect.any(String),
        updated_at: expect.any(String),
      }),
    )
    // The same license in Keywarden's own API: max_domains is its machine limit.
    const own = await srv.json(`/api/licenses/${l.id}`, {
      headers: { authorization: `Bearer ${jwt}` },
    })
    expect(own.body.data).toMatchObject({
      license_key: l.uuid,
      max_uses: 3,
      hwid_locked: true,
      environment: 'staging',
      title: 'Acme Ltd',
    })
    const list = await call(srv, 'GET', `/project/${p.id}/licenses${Q}`, { key })
    expect(list.body).toEqual(ok('Licenses retrieved', [l]))
    expect(
      (await call(srv, 'GET', `/project/${p.id}/licenses/${l.id}`, { key })).body.data,
    ).toEqual(l)
    expect(
      (await call(srv, 'GET', `/project/${p.id}/licenses/${l.uuid}`, { key })).body.data.id,
    ).toBe(l.id)
    const revoked = await call(srv, 'POST', `/project/${p.id}/licenses/${l.id}/revoke${Q}`, {
      key,
      body: {},
    })
    expect(revoked.body).toEqual(
      ok('License revoked', { ...l, status: 'revoked', updated_at: expect.any(String) }),
    )
    const back = await call(srv, 'POST', `/project/${p.id}/licenses/${l.id}/reactivate`, { key })
    expect(back.body).toEqual(ok('License reactivated', { ...l, updated_at: expect.any(String) }))
    const del = await call(srv, 'DELETE', `/project/${p.id}/licenses/${l.id}`, { key })
    expect(del.body).toEqual(ok('License deleted', { id: l.id, deleted: true }))
    expect(await call(srv, 'GET', `/project/${p.id}/licenses/${l.id}`, { key })).toMatchObject({
      status: 404,
      body: refusal('License not found'),
    })
  })

  it('defaults: one domain, production, the product’s duration; expiry null is lifetime', async () => {
    const p = await newProject()
    const d = (await call(srv, 'POST', `/project/${p.id}/licenses`, { key })).body.data
    expect(d).toMatchObject({ max_domains: 1, environment: 'production', title: null })
    expect(d.expires_at).not.toBeNull()
    const life = await call(srv, 'POST', `/project/${p.id}/licenses`, {
      key,
      body: { expires_at: null },
    })
    expect(life.body.data.expires_at).toBeNull()
  })

  it('refuses bad fields, another project’s license and the wrong scope', async () => {
    const p = await newProject()
    const q = await newProject()
    const l = (await call(srv, 'POST', `/project/${q.id}/licenses`, { key })).body.data
    expect(await call(srv, 'GET', `/project/${p.id}/licenses/${l.id}`, { key })).toMatchObject({
      status: 404,
      body: refusal('License not found'),
    })
    expect(
      await call(srv, 'POST', `/project/${p.id}/licenses/${l.id}/revoke`, { key }),
    ).toMatchObject({ status: 404, body: refusal('License not found') })
    for (const [body, field] of [
      [{ max_domains: 0 }, 'max_domains'],
      [{ environment: 'prod' }, 'environment'],
      [{ expires_at: 'soon' }, 'expires_at'],
    ] as const) {
      const r = await call(srv, 'POST', `/project/${p.id}/licenses`, { key, body })
      expect(r.status, field).toBe(422)
      expect(r.body.message).toMatch(new RegExp(`^The given data was invalid: ${field}: `))
      expect(Object.keys(r.body.errors)).toEqual([field])
    }
    const ro = (
      await createKey(srv, jwt, { name: 'lr', scopes: ['licenses:read', 'products:read'] })
    ).key
    expect(await call(srv, 'POST', `/project/${p.id}/licenses`, { key: ro })).toMatchObject({
      status: 403,
      body: refusal('This API key lacks the licenses:write scope'),
    })
    expect((await call(srv, 'GET', `/project/${p.id}/licenses`, { key: ro })).status).toBe(200)
  })
})

describe('domains', () => {
  it('adds exact and wildcard rules; gets and updates singular and plural; deletes either way', async () => {
    const p = await newProject()
    const a = await call(srv, 'POST', `/project/${p.id}/domains${Q}`, {
      key,
      body: { domain: 'Shop.Example.com', environment: 'production', is_primary: true },
    })
    expect(a.status).toBe(201)
    expect(a.body).toEqual(
      ok('Domain created', {
        id: expect.any(String),
        project_id: p.id,
        domain: 'shop.example.com',
        environment: 'production',
        is_active: true,
        is_primary: true,
        created_at: expect.any(String),
        updated_at: expect.any(String),
      }),
    )
    const w = (
      await call(srv, 'POST', `/project/${p.id}/domains`, {
        key,
        body: { domain: '*.staging.example.com', environment: 'staging', is_primary: '1' },
      })
    ).body.data
    // One primary per project.
    const list = (await call(srv, 'GET', `/project/${p.id}/domains${Q}`, { key })).body.data
    expect(
      list.map((d: { domain: string; is_primary: boolean }) => [d.domain, d.is_primary]),
    ).toEqual([
      ['*.staging.example.com', true],
      ['shop.example.com', false],
    ])
    for (const noun of ['domain', 'domains']) {
      const g = await call(srv, 'GET', `/project/${p.id}/${noun}/${w.id}${Q}`, { key })
      expect(g.body).toEqual(ok('Domain retrieved', expect.objectContaining({ id: w.id })))
      const u = await call(srv, 'PUT', `/project/${p.id}/${noun}/${w.id}`, {
        key,
        body: { is_active: noun === 'domains' },
      })
      expect(u.body).toEqual(
        ok('Domain updated', expect.objectContaining({ is_active: noun === 'domains' })),
      )
    }
    expect((await call(srv, 'DELETE', `/project/${p.id}/domain/${w.id}`, { key })).body).toEqual(
      ok('Domain deleted', { id: w.id, deleted: true }),
    )
    const d2 = await call(srv, 'DELETE', `/project/${p.id}/domains/${a.body.data.id}`, { key })
    expect(d2.status).toBe(200)
    expect((await call(srv, 'GET', `/project/${p.id}/domains`, { key })).body.data).toEqual([])
  })

  it('refuses duplicates, malformed wildcards, bad environments and unknown domains', async () => {
    const p = await newProject()
    await call(srv, 'POST', `/project/${p.id}/domains`, { key, body: { domain: 'a.example.com' } })
    expect(
      await call(srv, 'POST', `/project/${p.id}/domains`, {
        key,
        body: { domain: 'A.example.com' },
      }),
    ).toMatchObject({
      status: 409,
      body: refusal('The domain a.example.com is already registered for this project'),
    })
    expect(
      await call(srv, 'POST', `/project/${p.id}/domains`, { key, body: { domain: 'ex*.com' } }),
    ).toMatchObject({
      status: 422,
      body: refusal('domain: a wildcard must look like *.example.com (one leading "*.")', {
        domain: ['domain: a wildcard must look like *.example.com (one leading "*.")'],
      }),
    })
    const env = await call(srv, 'POST', `/project/${p.id}/domains`, {
      key,
      body: { domain: 'b.example.com', environment: 'qa' },
    })
    expect(env.status).toBe(422)
    expect(env.body.errors).toEqual({ environment: [expect.any(String)] })
    expect(await call(srv, 'GET', `/project/${p.id}/domain/nope`, { key })).toMatchObject({
      status: 404,
      body: refusal('Domain not found'),
    })
    expect(await call(srv, 'DELETE', `/project/${p.id}/domains/nope`, { key })).toMatchObject({
      status: 404,
      body: refusal('Domain not found'),
    })
  })
})

describe('injectables', () => {
  it('stores JSON content encrypted and signed, never the plaintext; the secret sealed at rest', async () => {
    const p = await newProject()
    const r = await call(srv, 'POST', `/project/${p.id}/injectables${Q}`, {
      key,
      body: {
        title: 'Licence banner',
        type: 'html',
        mode: 'prepend',
        target_path: 'views/footer.php',
        content: '<p>Licensed</p>',
        secret: 's3cret-key',
        only_if_paid: true,
      },
    })
    expect(r.status).toBe(201)
    const i = r.body.data
    expect(r.body).toEqual(
      ok('Injectable created', {
        id: expect.any(String),
        project_id: p.id,
        title: 'Licence banner',
        name: 'Licence banner',
        slug: 'licence-banner',
        type: 'html',
        mode: 'prepend',
        target_path: 'views/footer.php',
        path: 'views/footer.php',
        content: expect.any(String),
        signature: expect.stringMatching(/^[0-9a-f]{64}$/),
        content_hash: expect.stringMatching(/^[0-9a-f]{64}$/),
        only_if_paid: true,
        is_active: true,
        created_at: expect.any(String),
        updated_at: expect.any(String),
      }),
    )
    expect(openInjectable('s3cret-key', i).content.toString()).toBe('<p>Licensed</p>')
    const listed = await call(srv, 'GET', `/project/${p.id}/injectables${Q}`, { key })
    expect(listed.body).toEqual(ok('Injectables retrieved', [i]))
    expect(JSON.stringify(listed.body)).not.toContain('Licensed')
    expect(JSON.stringify(listed.body)).not.toContain('s3cret-key')
    const row = await dbOf(srv.runtime.store).one<{ secret_sealed: string; content: string }>`
      SELECT secret_sealed, content FROM product_injectables WHERE id = ${i.id}`
    expect(row!.secret_sealed).toMatch(/^v1\./)
    expect(row!.secret_sealed).not.toContain('s3cret-key')
    expect(row!.content).toBe(i.content)
    // By slug as well as by id.
    expect(
      (await call(srv, 'GET', `/project/${p.id}/injectables/licence-banner`, { key })).body.data,
    ).toEqual(i)
  })

  it('takes multipart forms: text and binary files, fields as text', async () => {
    const p = await newProject()
    const form = new FormData()
    form.set('name', 'Stylesheet')
    form.set('slug', 'style')
    form.set('type', 'css')
    form.set('mode', 'append')
    form.set('path', 'public/app.css')
    form.set('secret', 'form-secret-1')
    form.set('only_if_paid', '0')
    form.set('content', new Blob(['body { color: red }']), 'app.css')
    const r = await call(srv, 'POST', `/project/${p.id}/injectables${Q}`, { key, raw: form })
    expect(r.status, JSON.stringify(r.body)).toBe(201)
    expect(r.body.data).toMatchObject({
      title: 'Stylesheet',
      slug: 'style',
      target_path: 'public/app.css',
      only_if_paid: false,
    })
    expect(openInjectable('form-secret-1', r.body.data).content.toString()).toBe(
      'body { color: red }',
    )

    const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0xff, 0x00, 0xfe, 0x01])
    const bin = new FormData()
    bin.set('title', 'Logo')
    bin.set('type', 'file')
    bin.set('secret', 'form-secret-2')
    bin.set('content', new Blob([bytes]), 'logo.png')
    const b = await call(srv, 'POST', `/project/${p.id}/injectables`, { key, raw: bin })
    expect(b.status, JSON.stringify(b.body)).toBe(201)
    expect(openInjectable('form-secret-2', b.body.data).content).toEqual(bytes)

    // PUT as a form too.
    const up = new FormData()
    up.set('content', new Blob(['body { color: blue }']), 'app.css')
    const u = await call(srv, 'PUT', `/project/${p.id}/injectables/style`, { key, raw: up })
    expect(u.status).toBe(200)
    expect(openInjectable('form-secret-1', u.body.data).content.toString()).toBe(
      'body { color: blue }',
    )
  })

  it('updates re-encrypt (new content; a new secret over the same plaintext) and deletes', async () => {
    const p = await newProject()
    const i = (
      await call(srv, 'POST', `/project/${p.id}/injectables`, {
        key,
        body: { title: 'Snippet', content: 'v1', secret: 'first-secret' },
      })
    ).body.data
    const c = await call(srv, 'PUT', `/project/${p.id}/injectables/${i.id}${Q}`, {
      key,
      body: { content: 'v2', is_active: false },
    })
    expect(c.body).toEqual(ok('Injectable updated', expect.objectContaining({ is_active: false })))
    expect(openInjectable('first-secret', c.body.data).content.toString()).toBe('v2')
    const s = await call(srv, 'PUT', `/project/${p.id}/injectables/${i.id}`, {
      key,
      body: { secret: 'second-secret' },
    })
    expect(openInjectable('second-secret', s.body.data).content.toString()).toBe('v2')
    expect(() => openInjectable('first-secret', s.body.data)).toThrow(/bad signature/)
    const b64 = await call(srv, 'PUT', `/project/${p.id}/injectables/${i.id}`, {
      key,
      body: { content: Buffer.from('bytes!').toString('base64'), content_encoding: 'base64' },
    })
    expect(openInjectable('second-secret', b64.body.data).content.toString()).toBe('bytes!')
    const del = await call(srv, 'DELETE', `/project/${p.id}/injectables/${i.id}`, { key })
    expect(del.body).toEqual(ok('Injectable deleted', { id: i.id, deleted: true }))
    expect(await call(srv, 'GET', `/project/${p.id}/injectables/${i.id}`, { key })).toMatchObject({
      status: 404,
      body: refusal('Injectable not found'),
    })
  })

  it('refuses missing fields, short secrets, bad modes and duplicate slugs', async () => {
    const p = await newProject()
    const base = { title: 'T', content: 'x', secret: 'long-enough' }
    const cases: [Record<string, unknown>, string, string][] = [
      [{ content: 'x', secret: 'long-enough' }, 'title', 'title: The title field is required.'],
      [{ title: 'T', secret: 'long-enough' }, 'content', 'content: The content field is required.'],
      [{ title: 'T', content: 'x' }, 'secret', 'secret: The secret field is required.'],
      [
        { ...base, secret: 'short' },
        'secret',
        'The given data was invalid: secret: secret: at least 8 characters',
      ],
    ]
    for (const [body, field, message] of cases) {
      const r = await call(srv, 'POST', `/project/${p.id}/injectables`, { key, body })
      expect(r.status, field).toBe(422)
      expect(r.body.message).toBe(message)
      expect(Object.keys(r.body.errors)).toEqual([field])
    }
    const mode = await call(srv, 'POST', `/project/${p.id}/injectables`, {
      key,
      body: { ...base, mode: 'overwrite' },
    })
    expect(mode.status).toBe(422)
    expect(mode.body.errors).toEqual({ mode: [expect.any(String)] })
    await call(srv, 'POST', `/project/${p.id}/injectables`, { key, body: { ...base, slug: 'dup' } })
    expect(
      await call(srv, 'POST', `/project/${p.id}/injectables`, {
        key,
        body: { ...base, slug: 'dup' },
      }),
    ).toMatchObject({
      status: 409,
      body: refusal('An injectable with the slug "dup" already exists'),
    })
  })
})

describe('the surface', () => {
  it('answers unknown paths 404 and wrong methods 405 (with Allow) in DevPayr’s shape', async () => {
    expect(await call(srv, 'GET', '/nowhere', { key })).toMatchObject({
      status: 404,
      body: refusal('Endpoint not found'),
    })
    const m = await call(srv, 'DELETE', '/projects', { key })
    expect(m).toMatchObject({ status: 405, body: refusal('Method not allowed') })
    expect(m.headers.get('allow')).toBe('GET')
    const hp = await call(srv, 'GET', '/project/has-paid')
    expect(hp).toMatchObject({ status: 405, body: refusal('Method not allowed') })
    expect(hp.headers.get('allow')).toBe('POST')
  })

  it('answers framework errors in DevPayr’s shape: bad JSON, content type, size', async () => {
    const headers = { 'content-type': 'application/json' }
    expect(await call(srv, 'POST', '/project', { key, raw: '{bad', headers })).toMatchObject({
      status: 400,
      body: refusal('Bad request: the body is not valid JSON'),
    })
    expect(
      await call(srv, 'POST', '/project', {
        key,
        raw: 'name=x',
        headers: { 'content-type': 'text/csv' },
      }),
    ).toMatchObject({
      status: 415,
      body: refusal('Unsupported content type: send application/json or multipart/form-data'),
    })
    const big = JSON.stringify({ name: 'x'.repeat(1024 * 1024 + 10) })
    expect(await call(srv, 'POST', '/project', { key, raw: big, headers })).toMatchObject({
      status: 413,
      body: refusal('Request body is too large'),
    })
  })

  it('refuses malformed and NUL-holding forms as 400s, an oversized file as 413', async () => {
    const p = await newProject()
    const path = `/project/${p.id}/injectables`
    for (const ct of ['multipart/form-data; boundary=xyz', 'multipart/form-data']) {
      expect(
        await call(srv, 'POST', path, { key, raw: 'garbage', headers: { 'content-type': ct } }),
      ).toMatchObject({
        status: 400,
        body: refusal('body: not a readable multipart/form-data body', {
          body: ['body: not a readable multipart/form-data body'],
        }),
      })
    }
    const nul = new FormData()
    nul.set('title', 'a\u0000b')
    expect(await call(srv, 'POST', path, { key, raw: nul })).toMatchObject({
      status: 400,
      body: refusal('body.title: text may not contain NUL (U+0000)', expect.any(Object)),
    })
    const big = new FormData()
    big.set('title', 'Big')
    big.set('secret', 'long-enough')
    big.set('content', new Blob([Buffer.alloc(1024 * 1024 + 1, 0x61)]), 'big.txt')
    const r = await call(srv, 'POST', path, { key, raw: big })
    expect(r).toMatchObject({ status: 413, body: refusal('Request body is too large') })
  })

  it('takes X-API-KEY and X-LICENSE-KEY together, in any letter case', async () => {
    const r = await fetch(`${srv.url}/devpayr/api/v1/projects?include=injectables`, {
      headers: {
        'X-API-KEY': key,
        'X-LICENSE-KEY': 'AAAA-BBBB-CCCC-DDDD',
        'X-DEVPAYR-DOMAIN': 'a.b',
      },
    })
    expect(r.status).toBe(200)
  })

  it('is in the OpenAPI document, each operation with its scope and answers', async () => {
    const doc = (await srv.json('/api/openapi.json')).body
    const op = doc.paths['/devpayr/api/v1/project/{project}/injectables'].post
    expect(op['x-keywarden-scope']).toBe('products:write')
    expect(op.security).toEqual([{ devpayrApiKey: [] }])
    expect(doc.components.securitySchemes.devpayrApiKey).toMatchObject({
      in: 'header',
      name: 'X-API-KEY',
    })
    expect(Object.keys(op.responses)).toEqual(
      expect.arrayContaining(['201', '401', '403', '404', '422']),
    )
    expect(Object.keys(op.requestBody.content)).toEqual(
      expect.arrayContaining(['application/json', 'multipart/form-data']),
    )
    const rt = doc.paths['/devpayr/api/v1/project/has-paid'].post
    expect(rt['x-keywarden-scope']).toBe('public')
    expect(
      rt.responses['200'].content['application/json'].schema.properties.data.properties,
    ).toHaveProperty('has_paid')
  })
})

describe('the flood limit', () => {
  it('answers over api_rate_limit_per_minute with 429 in DevPayr’s shape, with Retry-After', async () => {
    await srv.runtime.services.settings.update(
      { kind: 'console' },
      { api_rate_limit_per_minute: 1 },
    )
    // This file's requests already spent the minute's one request.
    const r = await call(srv, 'GET', '/projects', { key })
    expect(r).toMatchObject({ status: 429, body: refusal('Too many requests, slow down') })
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(r.headers.get('x-ratelimit-limit')).toBe('1')
  })
})
