import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod'
import { type ErrorCode, isDomainError } from '@shared/errors'
import { describeZodError, isZodError } from '../../../validation/zod-error'
import { failure, type Failure } from './reply'

/** A wire answer for an error: status and LicenseCM body. */
export interface MappedError {
  status: number
  body: Failure
  /** Unexpected: log it (the client only learns "Internal server error"). */
  unexpected?: boolean
}

/** The HTTP status LicenseCM answers each service refusal with (its `error_code` is the code). */
export const LICENSECM_STATUS: Record<ErrorCode, number> = {
  LICENSE_NOT_FOUND: 404,
  LICENSE_EXPIRED: 403,
  LICENSE_SUSPENDED: 403,
  LICENSE_BANNED: 403,
  HWID_MISMATCH: 403,
  MAX_USES_EXCEEDED: 403,
  PRODUCT_NOT_FOUND: 404,
  BLACKLISTED: 403,
  SESSION_EXPIRED: 401,
  SECURITY_VIOLATION: 403,
  VALIDATION_ERROR: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  RATE_LIMITED: 429,
  INTERNAL_ERROR: 500,
}

const FIELD_CONTEXT: Record<string, string> = {
  body: 'body',
  querystring: 'query',
  params: 'path',
  headers: 'header',
}

type ErrLike = Partial<FastifyError> & { message: string; validationContext?: string }

/**
 * Maps anything thrown while serving a LicenseCM route to its wire answer. Exported so route
 * families with their own error handler (the client API) answer errors the same way.
 */
export function mapError(err: unknown): MappedError {
  if (isDomainError(err)) {
    return { status: LICENSECM_STATUS[err.code] ?? 400, body: failure(err.code, err.message) }
  }
  if (isZodError(err)) {
    return { status: 400, body: failure('VALIDATION_ERROR', describeZodError(err)) }
  }
  const e = (err ?? {}) as ErrLike
  if (hasZodFastifySchemaValidationErrors(e)) {
    // Name the field: "body.email: Invalid email address" (several issues joined).
    const where = FIELD_CONTEXT[e.validationContext ?? ''] ?? 'request'
    const message = e.validation
      .slice(0, 5)
      .map((v) => {
        const path = v.instancePath.replace(/^\//, '').replace(/\//g, '.')
        return `${path ? `${where}.${path}` : where}: ${v.message}`
      })
      .join('; ')
    return { status: 400, body: failure('VALIDATION_ERROR', message) }
  }
  switch (e.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return { status: 400, body: failure('VALIDATION_ERROR', 'Malformed JSON body') }
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return {
        status: 400,
        body: failure('VALIDATION_ERROR', 'Empty body with Content-Type application/json'),
      }
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 413, body: failure('VALIDATION_ERROR', 'Request body is too large') }
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return {
        status: 415,
        body: failure('VALIDATION_ERROR', 'Unsupported Content-Type: send application/json'),
      }
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return {
        status: 400,
        body: failure('VALIDATION_ERROR', 'Request body size did not match Content-Length'),
      }
  }
  // Node's JSON.parse error from Fastify's JSON parser carries statusCode 400.
  if (err instanceof SyntaxError && e.statusCode === 400) {
    return { status: 400, body: failure('VALIDATION_ERROR', 'Malformed JSON body') }
  }
  if (e.statusCode === 429)
    return { status: 429, body: failure('RATE_LIMITED', 'Too many requests') }
  if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
    const code =
      e.statusCode === 404
        ? 'NOT_FOUND'
        : e.statusCode === 401
          ? 'UNAUTHORIZED'
          : e.statusCode === 403
            ? 'FORBIDDEN'
            : 'VALIDATION_ERROR'
    return { status: e.statusCode, body: failure(code, e.message) }
  }
  return { status: 500, body: failure('INTERNAL_ERROR', 'Internal server error'), unexpected: true }
}

/** The LicenseCM scope's error handler: envelope, status, never a stack trace. */
export function licensecmErrorHandler(
  err: unknown,
  req: FastifyRequest,
  reply: FastifyReply,
): void {
  const m = mapError(err)
  if (m.unexpected) req.log.error(err)
  void reply.status(m.status).send(m.body)
}
