import type { FastifyError, FastifyReply } from 'fastify'
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod'
import { type ErrorCode, isDomainError } from '@shared/errors'
import { isZodError } from '../../../validation/zod-error'

/**
 * Every engine and service refusal in DevPayr's words and statuses: the one table of this
 * adapter. `null` keeps the service's own message (it already says what was wrong: "Domain
 * not found", "The domain x is already registered for this project").
 */
export interface ErrorRow {
  status: number
  message: string | null
}

export const DEVPAYR_ERRORS: Record<ErrorCode, ErrorRow> = {
  LICENSE_NOT_FOUND: { status: 404, message: 'License not found' },
  UNAUTHORIZED: { status: 401, message: null },
  PRODUCT_NOT_FOUND: { status: 404, message: 'Project not found' },
  BLACKLISTED: { status: 403, message: 'Access denied: this runtime is blocked' },
  LICENSE_BANNED: { status: 403, message: 'License has been banned' },
  LICENSE_SUSPENDED: { status: 403, message: 'License has been revoked or suspended' },
  LICENSE_EXPIRED: { status: 403, message: 'License has expired' },
  HWID_MISMATCH: {
    status: 403,
    message: 'License has reached its limit of runtime identifiers (domains or devices)',
  },
  MAX_USES_EXCEEDED: {
    status: 403,
    message: 'License has reached its limit of runtime identifiers (domains or devices)',
  },
  SESSION_EXPIRED: { status: 401, message: 'Session has expired' },
  SECURITY_VIOLATION: { status: 403, message: 'Request blocked by security policy' },
  FORBIDDEN: { status: 403, message: null },
  VALIDATION_ERROR: { status: 422, message: null },
  NOT_FOUND: { status: 404, message: null },
  CONFLICT: { status: 409, message: null },
  RATE_LIMITED: { status: 429, message: 'Too many requests, slow down' },
  INTERNAL_ERROR: { status: 500, message: 'Server error' },
}

/** At runtime (a license key, not an API key) a refusal says what the key is. */
const RUNTIME_OVERRIDES: Partial<Record<ErrorCode, ErrorRow>> = {
  LICENSE_NOT_FOUND: { status: 403, message: 'Invalid license key' },
  PRODUCT_NOT_FOUND: { status: 403, message: 'Project is inactive or does not exist' },
}

/** Finer wording keyed by a refusal's neutral `details.reason`. */
export const DEVPAYR_REASONS: Record<string, ErrorRow> = {
  identifier_missing: {
    status: 400,
    message: 'Missing runtime identifier: send the X-Devpayr-Domain header',
  },
  license_key_missing: {
    status: 401,
    message: 'Missing license key: send the X-LICENSE-KEY header',
  },
  api_key_missing: { status: 401, message: 'Missing API key: send the X-API-KEY header' },
  domain_not_allowed: {
    status: 403,
    message: "Domain not allowed: this runtime identifier matches none of the project's domains",
  },
  // The service's message names both environments ("A test license cannot run on a
  // production domain").
  environment_mismatch: { status: 403, message: null },
}

/** Framework statuses in DevPayr's words (bad URL, JSON, content type, size, route, method). */
const STATUS_MESSAGES: Record<number, string> = {
  400: 'Bad request: the body is not valid JSON',
  404: 'Endpoint not found',
  405: 'Method not allowed',
  408: 'Request timeout',
  413: 'Request body is too large',
  415: 'Unsupported content type: send application/json or multipart/form-data',
  429: 'Too many requests, slow down',
}

export interface DevpayrMapped {
  status: number
  message: string
  errors: Record<string, string[]> | null
  /** Unexpected: log it (the client only learns "Server error"). */
  unexpected?: boolean
}

/** Field errors as Laravel (DevPayr) lists them: `{ "field": ["message"] }`. */
function fieldErrors(issues: { path: string; message: string }[]): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  for (const i of issues) (out[i.path || 'input'] ??= []).push(i.message)
  return out
}

const RUNTIME_PATH = /^\/devpayr\/api\/v1\/(project\/has-paid|injectable\/stream)(?:[/?#]|$)/

/** True for the runtime routes (license key): their refusals speak of the key. */
export const isRuntimePath = (url: string) => RUNTIME_PATH.test(url)

/**
 * Maps anything thrown while serving /devpayr/api/v1 to DevPayr's answer: the one DevPayr
 * mapping, used by its scope and by the server for framework errors (http/errors.ts).
 */
export function mapDevpayrError(err: unknown, url = ''): DevpayrMapped {
  if (isDomainError(err)) {
    const base = (isRuntimePath(url) && RUNTIME_OVERRIDES[err.code]) || DEVPAYR_ERRORS[err.code]
    const reason = err.details?.reason
    const byReason =
      typeof reason === 'string' && Object.hasOwn(DEVPAYR_REASONS, reason)
        ? DEVPAYR_REASONS[reason]
        : null
    const row = byReason ?? base
    const statusCode = (err as { statusCode?: number }).statusCode
    // Body errors raised before validation (deep JSON, NUL) carry their 400.
    const status = statusCode === 400 ? 400 : row.status
    // A reason worded `null` keeps the service's message (it names what it decided on).
    const message = row.message ?? (byReason ? err.message : (base.message ?? err.message))
    // "domain: must be …" names its field: listed under it, as DevPayr lists field errors.
    const field = err.code === 'VALIDATION_ERROR' ? /^([\w.]+): /.exec(message) : null
    const errors = field ? fieldErrors([{ path: field[1], message }]) : null
    return { status, message, errors }
  }
  if (isZodError(err)) {
    const issues = err.issues.map((i) => ({
      path: i.path.map(String).join('.'),
      message: i.message,
    }))
    return { status: 422, message: firstMessage(issues), errors: fieldErrors(issues) }
  }
  if (hasZodFastifySchemaValidationErrors(err)) {
    const issues = err.validation.map((v) => ({
      path: v.instancePath.replace(/^\//, '').replace(/\//g, '.'),
      message: v.message ?? 'is invalid',
    }))
    return { status: 422, message: firstMessage(issues), errors: fieldErrors(issues) }
  }
  const e = (err ?? {}) as Partial<FastifyError>
  const status = e.statusCode && e.statusCode >= 400 && e.statusCode < 500 ? e.statusCode : 500
  if (status === 500) return { status, message: 'Server error', errors: null, unexpected: true }
  return { status, message: STATUS_MESSAGES[status] ?? 'Bad request', errors: null }
}

function firstMessage(issues: { path: string; message: string }[]): string {
  const i = issues[0]
  const more =
    issues.length > 1 ? ` (and ${issues.length - 1} more error${issues.length > 2 ? 's' : ''})` : ''
  return `The given data was invalid: ${i?.path ? i.path + ': ' : ''}${i?.message ?? ''}${more}`
}

/** DevPayr's error body. */
export function errorBody(m: Pick<DevpayrMapped, 'message' | 'errors'>) {
  return { status: 'error' as const, message: m.message, data: null, errors: m.errors }
}

export function sendError(reply: FastifyReply, m: DevpayrMapped): FastifyReply {
  return reply.status(m.status).send(errorBody(m))
}

/** The DevPayr scope's error handler: DevPayr's shape, never a stack trace. */
export function devpayrErrorHandler(
  err: unknown,
  req: { url: string; raw: { url?: string }; log: { error: (e: unknown) => void } },
  reply: FastifyReply,
) {
  const m = mapDevpayrError(err, req.raw.url ?? req.url)
  if (m.unexpected) req.log.error(err)
  return sendError(reply, m)
}
