import type { FastifyError } from 'fastify'
import { type ErrorCode, isDomainError } from '@shared/errors'
import { describeZodError, isZodError } from '../../validation/zod-error'

/** The console's error answer: `{ ok: false, error: { code, message } }`, as the RPC answers. */
export interface ConsoleMapped {
  status: number
  body: { ok: false; error: { code: string; message: string } }
  /** Unexpected: log it (the client only learns "Internal server error"). */
  unexpected?: boolean
}

/** The HTTP status the console answers each service refusal with (the body carries the code). */
export const CONSOLE_STATUS: Record<ErrorCode, number> = {
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

/** Framework statuses in the console's words (bad URL, JSON, content type, size, route). */
const STATUS_ANSWERS: Record<number, [code: string, message: string]> = {
  400: ['VALIDATION_ERROR', 'Malformed request: send a JSON body to a valid URL'],
  401: ['UNAUTHORIZED', 'Log in to the console'],
  403: ['FORBIDDEN', 'Forbidden'],
  404: ['NOT_FOUND', 'Route not found'],
  405: ['NOT_FOUND', 'Method not allowed'],
  408: ['VALIDATION_ERROR', 'Request timeout'],
  413: ['VALIDATION_ERROR', 'Request body is too large'],
  415: ['VALIDATION_ERROR', 'Unsupported Content-Type: send application/json'],
  429: ['RATE_LIMITED', 'Too many requests'],
}

const fail = (status: number, code: string, message: string, unexpected = false) => ({
  status,
  body: { ok: false as const, error: { code, message } },
  ...(unexpected && { unexpected }),
})

/** Maps anything thrown while serving /console to its answer: the one console mapping. */
export function mapConsoleError(err: unknown): ConsoleMapped {
  if (isDomainError(err)) return fail(CONSOLE_STATUS[err.code] ?? 400, err.code, err.message)
  if (isZodError(err)) return fail(400, 'VALIDATION_ERROR', describeZodError(err))
  const e = (err ?? {}) as Partial<FastifyError>
  const status = e.statusCode && e.statusCode >= 400 && e.statusCode < 500 ? e.statusCode : 500
  if (status === 500) return fail(500, 'INTERNAL_ERROR', 'Internal server error', true)
  const [code, message] = STATUS_ANSWERS[status] ?? ['VALIDATION_ERROR', 'Bad request']
  return fail(status, code, message)
}
