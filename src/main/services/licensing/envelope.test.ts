import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Store } from '../../db/connection'
import { openTestStore } from '../../../../test/helpers/store'
import { envelopeSignature, sealEnvelope } from '../../crypto/envelope'
import { createServices, type Services } from '..'
import { CONSOLE } from '../context'

/** The envelope service binds an encrypted body to the product its key and HMAC belong to. */
describe('envelope service: the body names the envelope product', () => {
  const NOW = Date.parse('2026-01-10T12:00:00.000Z')
  let dir: string
  let store: Store
  let s: Services
  let product: { id: string; secret_key: string }
  const meta = { ip: '203.0.113.7', userAgent: null }

  /** An envelope as a LicenseCM SDK seals it, under the product's secret, at the fixed time. */
  const envelope = (body: unknown) => {
    const sealed = sealEnvelope(product.secret_key, JSON.stringify(body))
    return {
      ...sealed,
      signature: envelopeSignature(product.secret_key, sealed, NOW),
      product_id: product.id,
      timestamp: NOW,
    }
  }

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kw-env-'))
    store = await openTestStore(join(dir, 'kw.db'))
    s = createServices({ store, dataDir: dir, clock: () => new Date(NOW) })
    product = await s.products.create(CONSOLE, { name: 'Game' })
  })
  afterEach(async () => {
    await store.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('refuses an encrypted body that names another product (SECURITY_VIOLATION)', async () => {
    const other = await s.products.create(CONSOLE, { name: 'Other' })
    await expect(
      s.licensing.envelope.open(envelope({ license_key: 'K', product_id: other.id }), meta),
    ).rejects.toMatchObject({
      code: 'SECURITY_VIOLATION',
      message: 'Encrypted product_id does not match the envelope',
    })
  })

  it("gives a body without product_id the envelope's, and keeps a matching one", async () => {
    const bare = await s.licensing.envelope.open(envelope({ license_key: 'K' }), meta)
    expect(bare.body).toEqual({ license_key: 'K', product_id: product.id })
    const same = await s.licensing.envelope.open(
      envelope({ license_key: 'K', product_id: product.id }),
      meta,
    )
    expect(same.body).toEqual({ license_key: 'K', product_id: product.id })
  })
})
