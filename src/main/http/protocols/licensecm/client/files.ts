import { z } from 'zod'
import { checkoutOptionsSchema, fingerprintSchema } from '@shared/license-files'
import type { LicenseFileAnswerDto } from '@shared/client-answers'
import { typed, type RouteFamily } from '../context'
import { CLIENT_ANSWERS } from './answers'
import { clientErrorHandler, explainingProductId, ok } from './respond'
import { parseOrRefuse } from './schemas'

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max)

export const licenseFileBody = checkoutOptionsSchema.extend({
  license_key: text(128),
  product_id: text(64),
  hwid: fingerprintSchema,
})

/**
 * License files for running apps (#16): `POST /api/client/license-file` checks a file out
 * with the license key and an activated machine (the engine validates it exactly as
 * `/client/validate`), `GET /api/client/revocations` is the signed revocation list. Plain
 * JSON only: the answer is itself signed (Ed25519), and an encrypted file is readable only
 * with the key and fingerprint the app already holds.
 */
export const clientFileRoutes: RouteFamily = async (app, { services }) => {
  const r = typed(app)
  app.setErrorHandler(clientErrorHandler)

  r.post(
    '/client/license-file',
    {
      schema: {
        summary: 'Check out a license file for an activated machine',
        body: licenseFileBody,
        tags: ['client'],
      },
      // The license key in the body is the client's proof; validation's per-license limit applies.
      config: {
        access: 'public',
        rateLimit: false,
        documentedResponse: CLIENT_ANSWERS.licenseFile,
      },
      validatorCompiler: () => (data: unknown) => ({ value: data }),
      bodyLimit: 16 * 1024,
    },
    async (req) => {
      const i = parseOrRefuse(licenseFileBody, req.body)
      const f = await explainingProductId(i.product_id, () =>
        services.licenseFiles.forClient(
          {
            licenseKey: i.license_key,
            productId: i.product_id,
            hwid: i.hwid,
            ip: req.origin.clientIp,
            userAgent: req.headers['user-agent']?.slice(0, 512) ?? null,
          },
          { ttl: i.ttl, encrypt: i.encrypt },
        ),
      )
      return ok<LicenseFileAnswerDto>({
        certificate: f.file,
        id: f.id,
        alg: f.alg,
        issued_at: f.issued_at,
        expires_at: f.expires_at,
      })
    },
  )

  r.get(
    '/client/revocations',
    {
      schema: {
        summary:
          'The signed revocation list: { enc, sig, alg }, sig = Ed25519 of "revocations/" + enc',
        tags: ['client'],
      },
      config: { access: 'public', documentedResponse: CLIENT_ANSWERS.revocations },
    },
    async () => ok(await services.licenseFiles.revocationList()),
  )
}
