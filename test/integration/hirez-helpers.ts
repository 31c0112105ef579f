import { randomBytes } from 'node:crypto'
import type { TestServer } from '../helpers/server'
import { api } from '../helpers/mgmt'
import { HirezClient } from '../helpers/hirez-client'
import { CONSOLE } from '../../src/main/services/context'

/** A credential made over the management API, and a client signing with it. */
export async function developer(
  s: TestServer,
  token: string,
  body: Record<string, unknown> = {},
  clock?: () => Date,
) {
  const r = await api(s, token).post('/api/hirez/developers', { name: 'Partner', ...body })
  if (r.status !== 201) throw new Error(`developer: ${r.status} ${JSON.stringify(r.body)}`)
  const d = r.body.data
  return { dto: d, client: new HirezClient(s.url, d.dev_id, d.auth_key, clock) }
}

/** A product with one license (hwid-locked, one machine), made as the installation. */
export async function productWithLicense(s: TestServer, ownerId?: string) {
  const svc = s.runtime.services
  const actor = ownerId ? ({ kind: 'account', accountId: ownerId, role: 'user' } as const) : CONSOLE
  const product = await svc.products.create(actor, {
    name: 'Game ' + randomBytes(3).toString('hex'),
  })
  const lic = await svc.licenses.create(actor, { product_id: product.id, max_uses: 1 })
  return { product, license: lic, key: lic.license_key }
}
