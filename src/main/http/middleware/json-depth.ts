import type { FastifyInstance } from 'fastify'
import { DomainError } from '@shared/errors'
import { excessDepth, nulTextPath } from '@shared/json-bounds'

/**
 * Levels of objects/arrays a request body may nest. Free-form fields are bounded tighter at
 * their schema (32 levels, see @shared/json-bounds); no wire body needs more than that plus
 * a few levels around it.
 */
export const MAX_BODY_DEPTH = 64

/**
 * A body nested too deeply: a 400 VALIDATION_ERROR. `statusCode` makes it a 400 for error
 * handlers that read only the status (framework-style), `code` renders it in each protocol's
 * own shape (LicenseCM envelope, SellRealm message, console error).
 */
export class DeepJsonError extends DomainError {
  readonly statusCode = 400
  constructor(where: string, path: string[]) {
    super(
      'VALIDATION_ERROR',
      `${[where, ...path].join('.')}: JSON nested more than ${MAX_BODY_DEPTH} levels deep`,
    )
  }
}

/**
 * Text with a NUL character (U+0000): a 400 VALIDATION_ERROR on every surface and dialect.
 * No field of any protocol means a NUL, and PostgreSQL's text type cannot hold one, so what
 * SQLite would store and PostgreSQL would refuse with a 500 is refused where it enters, the
 * same way on both.
 */
export class NulTextError extends DomainError {
  readonly statusCode = 400
  constructor(where: string, path: string[]) {
    super('VALIDATION_ERROR', `${[where, ...path].join('.')}: text may not contain NUL (U+0000)`)
  }
}

/**
 * Throws DeepJsonError when `value` nests deeper than MAX_BODY_DEPTH, NulTextError when a
 * string or key in it holds U+0000 (`where` names the value).
 */
export function refuseDeepJson(value: unknown, where = 'body'): void {
  const path = excessDepth(value, MAX_BODY_DEPTH)
  if (path !== null) throw new DeepJsonError(where, path)
  const nul = nulTextPath(value)
  if (nul !== null) throw new NulTextError(where, nul)
}

/**
 * Refuses deep bodies on every route, after parsing and before validation, idempotency and
 * handlers. JSON.parse itself copes with any depth (V8's parser is iterative); what recursed
 * and overflowed the stack was what came after (JSON.stringify of metadata and events, the
 * Idempotency-Key body hash), giving 500s from ~2,900 levels. Register on the root instance
 * before the surfaces, so every scope inherits it and renders the refusal its own way.
 */
export function refuseDeepBodies(app: FastifyInstance): void {
  app.addHook('preValidation', async (req) => {
    if (req.body !== null && typeof req.body === 'object') refuseDeepJson(req.body)
    else if (typeof req.body === 'string' && req.body.includes('\u0000'))
      throw new NulTextError('body', [])
    if (req.query !== null && typeof req.query === 'object') refuseDeepJson(req.query, 'query')
  })
}
