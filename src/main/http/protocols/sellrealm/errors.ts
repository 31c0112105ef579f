import type { FastifyError, FastifyReply } from 'fastify'
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod'
import { type ErrorCode, isDomainError } from '@shared/errors'
import { describeZodError, isZodError } from '../../../validation/zod-error'
import { BadCiphertextError } from './encryption'

/**
 * Every engine and service refusal in SellRealm's words and statuses: the one table of this
 * adapter. The reference's own messages are used where it has one ("Invalid key or auth
 * secret", "HWID does not match", "Session has expired", "Key has been banned", "Too Many
 * Requests"); the rest follow its style. `null` keeps the service's own message.
 */
export interface ErrorRow {
  status: number
  message: string | null
}

/**
 * Finer wording keyed by a refusal's neutral `details.reason` (services name the reason, this
 * adapter words it): the reference's "Invalid nonce", "Invalid session", "terminated".
 */
export const SELLREALM_REASONS: Record<string, string> = {
  nonce_replayed: 'Invalid nonce',
  session_unknown: 'Invalid session',
  session_terminated: 'Session has been terminated',
}

export const SELLREALM_ERRORS: Record<ErrorCode, ErrorRow> = {
  LICENSE_NOT_FOUND: { status: 403, message: 'Invalid key or auth secret' },
  UNAUTHORIZED: { status: 403, message: 'Invalid key or auth secret' },
  PRODUCT_NOT_FOUND: { status: 403, message: 'Invalid product_id' },
  BLACKLISTED: { status: 403, message: 'Access denied: blacklisted' },
  LICENSE_BANNED: { status: 403, message: 'Key has been banned' },
  LICENSE_SUSPENDED: { status: 403, message: 'Key has been suspended' },
  LICENSE_EXPIRED: { status: 403, message: 'Key has expired' },
  HWID_MISMATCH: { status: 403, message: 'HWID does not match' },
  MAX_USES_EXCEEDED: { status: 403, message: 'Key has reached its maximum number of devices' },
  SESSION_EXPIRED: { status: 403, message: 'Session has expired' },
  SECURITY_VIOLATION: { status: 403, message: 'Request blocked by security policy' },
  FORBIDDEN: { status: 403, message: null },
  VALIDATION_ERROR: { status: 400, message: null },
  NOT_FOUND: { status: 404, message: null },
  CONFLICT: { status: 409, message: null },
  RATE_LIMITED: { status: 429, message: 'Too Many Requests' },
  INTERNAL_ERROR: { status: 500, message: 'Internal server error' },
}

/** The Store API answers a missing product with 404, not the License API's 403. */
const STORE_OVERRIDES: Partial<Record<ErrorCode, ErrorRow>> = {
  PRODUCT_NOT_FOUND: { status: 404, message: 'Product not found' },
  UNAUTHORIZED: { status: 403, message: 'Invalid store secret' },
}

/** An error for SellRealm's `{ status: "error", message }` body. */
export class SellRealmError extends Error {
  readonly status: number
  constructor(status: number, message: string) {
    super(message)
    this.name = 'SellRealmError'
    this.status = status
  }
}

export function sendError(reply: FastifyReply, status: number, message: string): FastifyReply {
  return reply.status(status).send({ status: 'error', message })
}

/** A SellRealm wire answer for an error: status and message of `{ status: "error", message }`. */
export interface SellRealmMapped {
  status: number
  message: string
  /** Unexpected: log it (the client only learns "Internal server error"). */
  unexpected?: boolean
}

/** Framework statuses in SellRealm's words (bad URL, JSON, content type, size, route, method). */
const STATUS_MESSAGES: Record<number, string> = {
  404: 'Not found',
  405: 'Method Not Allowed',
  408: 'Request timeout',
  413: 'Request body is too large',
  415: 'Unsupported content type',
  429: 'Too Many Requests',
}

/**
 * Maps anything thrown while serving /api/v0 (`license`) or /api/v1 (`store`) to SellRealm's
 * answer: the one SellRealm mapping, used by its scopes and by the server for framework errors.
 */
export function mapSellRealmError(surface: 'license' | 'store', err: unknown): SellRealmMapped {
  if (err instanceof SellRealmError) return { status: err.status, message: err.message }
  if (err instanceof BadCiphertextError) {
    return {
      status: 400,
      message: `Invalid encrypted parameter: ${err.param} (expected enc:v1: AES-256-GCM with this auth_secret)`,
    }
  }
  if (isDomainError(err)) {
    const row = (surface === 'store' && STORE_OVERRIDES[err.code]) || SELLREALM_ERRORS[err.code]
    const reason = err.details?.reason
    const message =
      (typeof reason === 'string' && Object.hasOwn(SELLREALM_REASONS, reason)
        ? SELLREALM_REASONS[reason]
        : null) ||
      row.message ||
      err.message
    return { status: row.status, message }
  }
  if (isZodError(err)) {
    return { status: 400, message: `Invalid request parameters: ${describeZodError(err, 1)}` }
  }
  if (hasZodFastifySchemaValidationErrors(err)) {
    const first = err.validation[0]
    const where = first.instancePath.replace(/^\//, '').replace(/\//g, '.')
    return {
      status: 400,
      message: `Invalid request parameters: ${where ? where + ': ' : ''}${first.message}`,
    }
  }
  const e = (err ?? {}) as Partial<FastifyError>
  const status = e.statusCode && e.statusCode >= 400 && e.statusCode < 500 ? e.statusCode : 500
  if (status === 500) return { status, message: 'Internal server error', unexpected: true }
  return { status, message: STATUS_MESSAGES[status] ?? 'Invalid request parameters' }
}

/** The scoped error handler for /api/v0 and /api/v1: SellRealm's shape, never a stack trace. */
export function sellRealmErrorHandler(surface: 'license' | 'store') {
  return (err: unknown, req: { log: { error: (e: unknown) => void } }, reply: FastifyReply) => {
    const m = mapSellRealmError(surface, err)
    if (m.unexpected) req.log.error(err)
    return sendError(reply, m.status, m.message)
  }
}
