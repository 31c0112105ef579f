import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestServer } from '../helpers/server'
import { DevpayrClient, DevpayrError } from '../helpers/devpayr-client'
import { devpayrServer } from './devpayr-helpers'

/**
 * Issue 14, "Done means": a DevPayr client written from the wire contract alone
 * (test/helpers/devpayr-client.ts), run unmodified against the server, through projects,
 * domains, licenses, injectables, a bootstrap with injectables, revoke and reactivate.
 */
let srv: TestServer
let apiKey: string

beforeAll(async () => {
  const s = await devpayrServer()
  srv = s.srv
  apiKey = s.key
})
afterAll(() => srv.stop())

const base = () => `${srv.url}/devpayr/api/v1/`

/** Runs `fn`, expecting a refusal; returns its status and message. */
async function refused(fn: () => Promise<unknown>): Promise<[number, string]> {
  try {
    await fn()
  } catch (e) {
    if (e instanceof DevpayrError) return [e.status, e.message]
    throw e
  }
  throw new Error('expected a refusal')
}

describe('a DevPayr client from the contract', () => {
  it('goes through the whole vendor and runtime flow', async () => {
    // Backend: the vendor's server, with its API key (a runtime identifier rides along anyway).
    const backend = new DevpayrClient({ baseUrl: base(), apiKey, domain: 'backend.vendor.test' })
    const project = await backend.projects.create({ name: 'WP Forms Pro', description: 'plugin' })
    expect(project).toMatchObject({ name: 'WP Forms Pro', has_paid: false })
    expect((await backend.projects.list()).map((p: { id: string }) => p.id)).toContain(project.id)
    expect(await backend.projects.get(project.id)).toEqual(project)
    expect(await backend.projects.hasPaid(project.id)).toEqual({
      project_id: project.id,
      has_paid: false,
    })

    const prod = await backend.domains.create(project.id, {
      domain: 'shop.customer.com',
      environment: 'production',
      is_primary: true,
    })
    const staging = await backend.domains.create(project.id, {
      domain: '*.staging.customer.com',
      environment: 'staging',
    })
    expect(await backend.domains.get(project.id, staging.id)).toEqual(staging)
    const updated = await backend.domains.update(project.id, staging.id, { is_active: true })
    expect(updated.is_active).toBe(true)
    expect((await backend.domains.list(project.id)).length).toBe(2)

    const license = await backend.licenses.create(project.id, {
      title: 'Customer Ltd',
      max_domains: 2,
      environment: 'production',
    })
    expect(license.uuid).toMatch(/^[A-Z0-9-]{19}$/)
    expect(await backend.licenses.get(project.id, license.id)).toEqual(license)
    expect((await backend.licenses.list(project.id)).map((l: { id: string }) => l.id)).toEqual([
      license.id,
    ])

    const snippet = await backend.injectables.create(project.id, {
      title: 'Footer notice',
      slug: 'footer',
      type: 'html',
      mode: 'append',
      target_path: 'footer.php',
      content: '<!-- licensed to Customer Ltd -->',
      secret: 'vendor-shared-secret',
      only_if_paid: true,
    })
    expect(snippet).toMatchObject({ name: 'Footer notice', slug: 'footer', path: 'footer.php' })
    expect(await backend.injectables.get(project.id, snippet.id)).toEqual(snippet)
    const again = await backend.injectables.update(project.id, snippet.id, { mode: 'prepend' })
    expect(again.mode).toBe('prepend')
    expect((await backend.injectables.list(project.id)).length).toBe(1)

    // Runtime: the customer's site, with the license key and its domain.
    const site = new DevpayrClient({
      baseUrl: base(),
      licenseKey: license.uuid,
      domain: 'shop.customer.com',
    })
    // Unpaid: the license works, the paid-only injectable is held back.
    expect(await site.bootstrap('vendor-shared-secret')).toEqual({
      hasPaid: false,
      injectables: [],
    })
    // The vendor's payment webhook marks the project paid.
    await backend.projects.update(project.id, { has_paid: true })
    const boot = await site.bootstrap('vendor-shared-secret')
    expect(boot.hasPaid).toBe(true)
    expect(boot.injectables.map((i) => [i.slug, i.mode, i.path, i.content.toString()])).toEqual([
      ['footer', 'prepend', 'footer.php', '<!-- licensed to Customer Ltd -->'],
    ])
    const stream = await site.streamInjectables()
    expect(stream.injectables.map((i: { slug: string }) => i.slug)).toEqual(['footer'])

    // A staging site of the same customer is refused for a production license.
    const stagingSite = new DevpayrClient({
      baseUrl: base(),
      licenseKey: license.uuid,
      domain: 'v2.staging.customer.com',
    })
    expect(await refused(() => stagingSite.hasPaid())).toEqual([
      403,
      'A production license cannot run on a staging domain',
    ])
    // A domain the project does not list.
    const pirate = new DevpayrClient({
      baseUrl: base(),
      licenseKey: license.uuid,
      domain: 'pirate.example.net',
    })
    expect((await refused(() => pirate.hasPaid()))[0]).toBe(403)

    // Revoke: the paid project no longer helps; reactivate: it works again.
    const revoked = await backend.licenses.revoke(project.id, license.id)
    expect(revoked.status).toBe('revoked')
    expect(await refused(() => site.bootstrap('vendor-shared-secret'))).toEqual([
      403,
      'License has been revoked or suspended',
    ])
    expect((await backend.licenses.reactivate(project.id, license.id)).status).toBe('active')
    expect((await site.bootstrap('vendor-shared-secret')).hasPaid).toBe(true)

    // Clean-up through the same client.
    await backend.injectables.delete(project.id, snippet.id)
    await backend.domains.delete(project.id, prod.id)
    await backend.licenses.delete(project.id, license.id)
    expect(await refused(() => site.hasPaid())).toEqual([403, 'Invalid license key'])
    await backend.projects.delete(project.id)
    expect(await refused(() => backend.projects.get(project.id))).toEqual([
      404,
      'Project not found',
    ])
  })

  it('sends its keys where the contract says: no API key at runtime is needed, no license key at the backend', async () => {
    const nobody = new DevpayrClient({ baseUrl: base(), domain: 'x.test' })
    expect(await refused(() => nobody.projects.list())).toEqual([
      401,
      'Missing API key: send the X-API-KEY header',
    ])
    expect(await refused(() => nobody.hasPaid())).toEqual([
      401,
      'Missing license key: send the X-LICENSE-KEY header',
    ])
  })
})
