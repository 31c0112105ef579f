import { z } from 'zod'
import { DomainError } from '@shared/errors'
import { fromRequestSchema, issueFileSchema, revokeFileSchema } from '@shared/license-files'
import { needsScope } from '../../middleware/api-key'
import { principalOf, typed, type RouteFamily } from './context'
import { idParams } from './products'
import {
  issuedLicenseFileSchema,
  licenseFileDtoSchema,
  requestedLicenseFileSchema,
} from '@shared/dto-schemas-mgmt'
import { envelope, ok } from './reply'

/**
 * Offline license files on the management API (Keywarden additions, #16): check-out for a
 * license (license-wide, or bound to a machine fingerprint, which activates it through the
 * engine), the air-gapped request, the issued files and their revocation. Product-bound API
 * keys reach only their product's licenses.
 */
export const licenseFileRoutes: RouteFamily = async (app, { services }) => {
  const r = typed(app)
  const read = needsScope('licenses:read', { productAware: true })
  const write = needsScope('licenses:write', { productAware: true })
  const tags = ['license files']
  const files = services.licenseFiles

  /** The principal, once it may touch this license (another product's reads as absent). */
  async function allowed(req: Parameters<typeof principalOf>[0], id: string) {
    const p = principalOf(req)
    const l = await services.licenses.get(p.actor, id)
    if (p.productId && l.product_id !== p.productId) {
      throw new DomainError('LICENSE_NOT_FOUND', 'License not found')
    }
    return p
  }

  r.post(
    '/licenses/:id/file',
    {
      config: { access: write },
      schema: {
        response: { 201: envelope(issuedLicenseFileSchema) },
        summary:
          'Check out a signed license file (bound to `fingerprint` when given: that machine is activated)',
        params: idParams,
        body: issueFileSchema.optional(),
        tags,
      },
    },
    async (req, reply) => {
      const p = await allowed(req, req.params.id)
      const f = await files.checkOut(p.actor, req.params.id, req.body ?? {})
      return reply.status(201).send(ok(f))
    },
  )

  r.get(
    '/licenses/:id/files',
    {
      config: { access: read },
      schema: {
        summary: 'The license files issued for a license',
        params: idParams,
        tags,
        response: { 200: envelope(z.object({ files: z.array(licenseFileDtoSchema) })) },
      },
    },
    async (req) => {
      const p = await allowed(req, req.params.id)
      return ok({ files: await files.list(p.actor, req.params.id) })
    },
  )

  r.post(
    '/licenses/:id/files/:fileId/revoke',
    {
      config: { access: write },
      schema: {
        summary: 'Revoke one license file (it is on the revocation list until it expires)',
        params: idParams.extend({ fileId: z.string().min(1).max(100) }),
        body: revokeFileSchema.optional(),
        tags,
        response: { 200: envelope(licenseFileDtoSchema) },
      },
    },
    async (req) => {
      const p = await allowed(req, req.params.id)
      return ok(
        await files.revoke(p.actor, req.params.id, req.params.fileId, req.body?.reason ?? null),
      )
    },
  )

  r.post(
    '/license-files/from-request',
    {
      config: { access: write },
      schema: {
        response: { 201: envelope(requestedLicenseFileSchema) },
        summary: "Air-gapped activation: the app's request file in, its license file out",
        body: fromRequestSchema,
        tags,
      },
    },
    async (req, reply) => {
      const p = principalOf(req)
      const { request, ...opts } = req.body
      const f = await files.fromRequest(p.actor, request, opts, p.productId ?? undefined)
      return reply.status(201).send(ok(f))
    },
  )
}
