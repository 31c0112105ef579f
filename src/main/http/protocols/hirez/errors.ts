import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod'
import { type ErrorCode, isDomainError } from '@shared/errors'
import type { HirezRefusal } from '../../../services/hirez'
import { describeZodError, isZodError } from '../../../validation/zod-error'
import { formatOfUrl, sendAnswer, type Answer, type Format } from './format'

/**
 * The reference's `ret_msg` strings for each refusal of the signed-call gate (services name the
 * reason, this adapter words it). Daily limits also carry `dailylimit`, which clients match on.
 */
export function reasonMessage(
  reason: HirezRefusal,
  details: Record<string, unknown>,
  call: { signature?: string; timestamp?: string; session?: string },
): string {
  switch (reason) {
    case 'developer_unknown':
      return 'Failed to validate DeveloperId'
    case 'developer_revoked':
      return 'Unauthorized Developer Id'
    case 'developer_signature':
      return 'Exception while validating developer access.Invalid signature'
    case 'signature_invalid':
      return 'Invalid signature'
    case 'timestamp_format':
      return 'Invalid date format'
    case 'timestamp_invalid':
      // The reference's long form names what was sent, on calls that carry a session.
      return call.session === undefined
        ? 'Exception - Timestamp'
        : `Exception - Timestamp Your signature: ${call.signature} Your timestamp: ${call.timestamp} Your session ID: ${call.session}`
    case 'timestamp_window':
      return 'Error while comparing Server and Client timestamp'
    case 'session_invalid':
      return 'Invalid session id.'
    case 'concurrent_sessions':
      return 'Maximum number of active sessions reached'
    case 'daily_sessions':
      return `Daily session limit reached - dailylimit (${details.limit} sessions reached)`
    case 'daily_requests':
      return `Daily request limit reached - dailylimit (${details.limit} requests reached)`
    case 'allotment_exhausted':
      return `License allotment exhausted: ${details.left} left, ${details.count} asked`
  }
}

/**
 * Every other engine and service refusal in this adapter's words: the one table, typed so a
 * new ErrorCode fails the typecheck until it is worded here. `null` keeps the service's message.
 */
export const HIREZ_ERRORS: Record<ErrorCode, string | null> = {
  LICENSE_NOT_FOUND: 'License not found',
  PRODUCT_NOT_FOUND: 'Product not found',
  LICENSE_BANNED: 'License is banned',
  LICENSE_SUSPENDED: 'License is suspended',
  LICENSE_EXPIRED: 'License has expired',
  HWID_MISMATCH: 'HWID does not match',
  MAX_USES_EXCEEDED: 'License has reached its maximum number of machines',
  BLACKLISTED: 'Access denied: blacklisted',
  SESSION_EXPIRED: 'Invalid session id.',
  SECURITY_VIOLATION: 'Request blocked by security policy',
  UNAUTHORIZED: 'Unauthorized Developer Id',
  FORBIDDEN: null,
  VALIDATION_ERROR: null,
  NOT_FOUND: null,
  CONFLICT: null,
  RATE_LIMITED: null,
  INTERNAL_ERROR: 'Internal server error',
}

/** A mapped error: the `ret_msg` and the HTTP status (200 for every refusal; see below). */
export interface HirezMapped {
  status: number
  message: string
  unexpected?: boolean
}

/** Framework statuses in this adapter's words (bad URL, body, size, slow request). */
const STATUS_MESSAGES: Record<number, string> = {
  400: 'Invalid request',
  404: 'Method not found',
  408: 'Request timeout',
  413: 'Request is too large',
  415: 'Unsupported content type',
}

/**
 * Maps anything thrown while serving /hirez to a `ret_msg`. Clients of this scheme treat any
 * status but 200 as an outage, so every refusal and every client mistake is a 200 with
 * `ret_msg`; only an unknown method keeps the reference's 404, and a server fault stays a 500
 * (that one is an outage).
 */
export function mapHirezError(
  err: unknown,
  call: { signature?: string; timestamp?: string; session?: string } = {},
): HirezMapped {
  if (isDomainError(err)) {
    const reason = err.details?.reason
    if (typeof reason === 'string' && reason in REASONS) {
      return { status: 200, message: reasonMessage(reason as HirezRefusal, err.details!, call) }
    }
    return { status: 200, message: HIREZ_ERRORS[err.code] ?? err.message }
  }
  if (isZodError(err))
    return { status: 200, message: `Invalid request: ${describeZodError(err, 1)}` }
  if (hasZodFastifySchemaValidationErrors(err)) {
    const first = err.validation[0]
    const where = first.instancePath.replace(/^\//, '').replace(/\//g, '.')
    return { status: 200, message: `Invalid request: ${where ? where + ': ' : ''}${first.message}` }
  }
  const e = (err ?? {}) as Partial<FastifyError>
  const status = e.statusCode && e.statusCode >= 400 && e.statusCode < 600 ? e.statusCode : 500
  if (status === 404) return { status: 404, message: STATUS_MESSAGES[404] }
  if (status >= 500) {
    return { status, message: 'Internal server error', unexpected: status === 500 }
  }
  return { status: 200, message: STATUS_MESSAGES[status] ?? 'Invalid request' }
}

const REASONS: Record<HirezRefusal, true> = {
  developer_unknown: true,
  developer_revoked: true,
  developer_signature: true,
  signature_invalid: true,
  timestamp_format: true,
  timestamp_invalid: true,
  timestamp_window: true,
  session_invalid: true,
  concurrent_sessions: true,
  daily_sessions: true,
  daily_requests: true,
  allotment_exhausted: true,
}

/** A refusal in the shape of the method that was called (its string, object or array form). */
export function refusalAnswer(
  shape: Answer['kind'],
  element: string,
  message: string,
  now: string,
): Answer {
  if (shape === 'string') return { kind: 'string', value: message }
  if (shape === 'object') {
    return {
      kind: 'object',
      element,
      value: { ret_msg: message, session_id: null, timestamp: now },
    }
  }
  return { kind: 'array', element, value: [{ ret_msg: message }] }
}

/** The framework-level answer under /hirez (no method known): `{ret_msg}` in the URL's format. */
export function renderHirezError(url: string, err: unknown) {
  const m = mapHirezError(err)
  return {
    ...m,
    format: formatOfUrl(url),
    answer: { kind: 'object', element: 'Error', value: { ret_msg: m.message } } as Answer,
  }
}

/** The scope's error handler: errors outside a method's own handling (never a stack trace). */
export function hirezErrorHandler(err: unknown, req: FastifyRequest, reply: FastifyReply) {
  const r = renderHirezError(req.url, err)
  if (r.unexpected) req.log.error(err)
  return sendAnswer(reply, r.format as Format, r.answer, r.status)
}
