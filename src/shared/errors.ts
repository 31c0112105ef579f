/**
 * Every outcome a service can refuse with. Services throw `DomainError` with one of these
 * codes; each protocol adapter maps the code to its own wording and status (its own table in
 * its errors module). The names follow LicenseCM's (the primary API), which answers them as is.
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
