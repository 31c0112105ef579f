/**
 * Every outcome a service can refuse with. Services throw `DomainError` with one of these
 * codes; each protocol adapter maps the code to its own wording and status. The codes are
 * LicenseCM's (the primary API), so that adapter maps them one to one.
 */
export const ERROR_CODES = [
  'LICENSE_NOT_FOUND',
  'LICENSE_EXPIRED',
  'LICENSE_SUSPENDED',
  'LICENSE_BANNED',
  'HWID_MISMATCH',
  'MAX_USES_EXCEEDED',
  'PRODUCT_NOT_FOUND',
  'BLACKLISTED',
  'SESSION_EXPIRED',
  'SECURITY_VIOLATION',
  'VALIDATION_ERROR',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'RATE_LIMITED',
  'INTERNAL_ERROR',
] as const

export type ErrorCode = (typeof ERROR_CODES)[number]

/** The HTTP status LicenseCM answers each code with; other protocols map on their own. */
export const ERROR_STATUS: Record<ErrorCode, number> = {
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

/** A refusal decided by a service: safe to show to a client (no internals in `message`). */
export class DomainError extends Error {
  readonly code: ErrorCode
  readonly details?: Record<string, unknown>
  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message)
    this.name = 'DomainError'
    this.code = code
    this.details = details
  }
}

export function isDomainError(e: unknown): e is DomainError {
  return e instanceof Error && (e as DomainError).name === 'DomainError' && 'code' in e
}
