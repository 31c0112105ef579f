import { z } from 'zod'
import {
  createHirezDeveloperSchema,
  createdHirezDeveloperDtoSchema,
  devIdSchema,
  hirezDeveloperDtoSchema,
  updateHirezDeveloperSchema,
} from '@shared/hirez'
import { principalOf, typed, type RouteFamily } from './context'
import { envelope, ok } from './reply'
import { needsScope } from '../../middleware/api-key'

const devIdParam = z.object({ dev_id: devIdSchema })

/**
 * /api/hirez/developers: the Hi-Rez developer API's credentials (devId + authKey). Creating and
 * re-keying answer the auth key once; nothing can show it again. Needs the `admin` scope; a
 * `user` account manages its own credentials only (the service scopes every call to the
 * account), and a product-bound API key none (a credential is narrowed by `product_ids`).
 */
export const hirezDeveloperRoutes: RouteFamily = async (app, { services }) => {
  const r = typed(app)
  const admin = needsScope('admin')
  const creds = services.hirez.credentials

  r.post(
    '/hirez/developers',
    {
      schema: {
        tags: ['hirez'],
        summary: 'Create a developer credential (the auth key is in this answer only)',
        body: createHirezDeveloperSchema,
        response: { 201: envelope(createdHirezDeveloperDtoSchema) },
      },
      config: { access: admin, idempotent: true },
    },
    async (req, reply) =>
      reply.status(201).send(ok(await creds.create(principalOf(req).actor, req.body))),
  )

  r.get(
    '/hirez/developers',
    {
      schema: {
        tags: ['hirez'],
        summary: 'List developer credentials with their limits and usage today (UTC)',
        response: { 200: envelope(z.array(hirezDeveloperDtoSchema)) },
      },
      config: { access: admin },
    },
    async (req) => ok(await creds.list(principalOf(req).actor)),
  )

  r.get(
    '/hirez/developers/:dev_id',
    {
      schema: {
        tags: ['hirez'],
        summary: 'One developer credential',
        params: devIdParam,
        response: { 200: envelope(hirezDeveloperDtoSchema) },
      },
      config: { access: admin },
    },
    async (req) => ok(await creds.get(principalOf(req).actor, req.params.dev_id)),
  )

  r.patch(
    '/hirez/developers/:dev_id',
    {
      schema: {
        tags: ['hirez'],
        summary: 'Edit a credential’s name, product scope or limits',
        params: devIdParam,
        body: updateHirezDeveloperSchema,
        response: { 200: envelope(hirezDeveloperDtoSchema) },
      },
      config: { access: admin },
    },
    async (req) => ok(await creds.update(principalOf(req).actor, req.params.dev_id, req.body)),
  )

  r.post(
    '/hirez/developers/:dev_id/rekey',
    {
      schema: {
        tags: ['hirez'],
        summary: 'New auth key (answered once); the old key and its sessions stop at once',
        params: devIdParam,
        response: { 200: envelope(createdHirezDeveloperDtoSchema) },
      },
      config: { access: admin },
    },
    async (req) => ok(await creds.rekey(principalOf(req).actor, req.params.dev_id)),
  )

  r.delete(
    '/hirez/developers/:dev_id',
    {
      schema: {
        tags: ['hirez'],
        summary: 'Revoke a credential: its sessions end and its next call is refused',
        params: devIdParam,
        response: { 200: envelope(hirezDeveloperDtoSchema) },
      },
      config: { access: admin },
    },
    async (req) => ok(await creds.revoke(principalOf(req).actor, req.params.dev_id)),
  )
}
