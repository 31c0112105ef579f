/**
 * Typed errors: one class per refusal code the server answers (`error_code`), and one per
 * offline failure. Catch the class you care about (`instanceof LicenseExpiredError`) or read
 * `code`. Every error is a `KeywardenError`.
 */
export class KeywardenError extends Error {
  /** The server's `error_code`, or this SDK's code for offline and transport failures. */
  readonly code: string
  /** HTTP status of the refusal (0 when no answer arrived). */
  readonly status: number
  /** Seconds the server asked to wait (429 `Retry-After`), when it said. */
  readonly retryAfter?: number
  /** The answer's JSON, when there was one. */
  readonly body?: unknown
  constructor(
    code: string,
    message: string,
    opts: { status?: number; retryAfter?: number; body?: unknown } = {},
  ) {
    super(message)
    this.name = new.target.name
    this.code = code
    this.status = opts.status ?? 0
    this.retryAfter = opts.retryAfter
    this.body = opts.body
  }
}

type Opts = ConstructorParameters<typeof KeywardenError>[2]
const coded = (code: string) =>
  class extends KeywardenError {
    constructor(message: string, opts?: Opts) {
      super(code, message, opts)
    }
  }

// Server refusals (src/shared/errors.ts ERROR_CODES).
export class LicenseNotFoundError extends coded('LICENSE_NOT_FOUND') {}
export class LicenseExpiredError extends coded('LICENSE_EXPIRED') {}
export class LicenseSuspendedError extends coded('LICENSE_SUSPENDED') {}
export class LicenseBannedError extends coded('LICENSE_BANNED') {}
export class HwidMismatchError extends coded('HWID_MISMATCH') {}
export class MaxUsesExceededError extends coded('MAX_USES_EXCEEDED') {}
export class ProductNotFoundError extends coded('PRODUCT_NOT_FOUND') {}
export class BlacklistedError extends coded('BLACKLISTED') {}
export class SessionExpiredError extends coded('SESSION_EXPIRED') {}
export class SecurityViolationError extends coded('SECURITY_VIOLATION') {}
export class ValidationError extends coded('VALIDATION_ERROR') {}
export class UnauthorizedError extends coded('UNAUTHORIZED') {}
export class ForbiddenError extends coded('FORBIDDEN') {}
export class NotFoundError extends coded('NOT_FOUND') {}
export class ConflictError extends coded('CONFLICT') {}
export class RateLimitedError extends coded('RATE_LIMITED') {}
export class InternalError extends coded('INTERNAL_ERROR') {}

// This SDK's own failures.
/** No answer (connection refused, reset, timeout) after the retries. */
export class NetworkError extends coded('NETWORK_ERROR') {}
/** A signed answer whose RSA signature, key digest or nonce does not match. */
export class InvalidSignatureError extends coded('INVALID_SIGNATURE') {}
/** Not a license file, or its Ed25519 signature does not verify under the pinned key. */
export class LicenseFileInvalidError extends coded('LICENSE_FILE_INVALID') {}
/** An encrypted file that does not open with this license key and fingerprint. */
export class LicenseFileDecryptError extends coded('LICENSE_FILE_DECRYPT') {}
/** The file is past its expiry. */
export class LicenseFileExpiredError extends coded('LICENSE_FILE_EXPIRED') {}
/** The file is bound to another machine. */
export class LicenseFileMachineError extends coded('LICENSE_FILE_MACHINE') {}
/** The clock is behind the last time the app saw (or behind the file's issue time). */
export class ClockTamperError extends coded('CLOCK_TAMPERED') {}
/** The file, or its license, is on the revocation list. */
export class LicenseFileRevokedError extends coded('LICENSE_FILE_REVOKED') {}
/** A revocation list that does not verify, is older than one already seen, or is stale. */
export class RevocationListInvalidError extends coded('REVOCATION_LIST_INVALID') {}
/** The client was set up wrong (e.g. no pinned key). */
export class ConfigurationError extends coded('CONFIGURATION_ERROR') {}

const BY_CODE: Record<string, new (message: string, opts?: Opts) => KeywardenError> = {
  LICENSE_NOT_FOUND: LicenseNotFoundError,
  LICENSE_EXPIRED: LicenseExpiredError,
  LICENSE_SUSPENDED: LicenseSuspendedError,
  LICENSE_BANNED: LicenseBannedError,
  HWID_MISMATCH: HwidMismatchError,
  MAX_USES_EXCEEDED: MaxUsesExceededError,
  PRODUCT_NOT_FOUND: ProductNotFoundError,
  BLACKLISTED: BlacklistedError,
  SESSION_EXPIRED: SessionExpiredError,
  SECURITY_VIOLATION: SecurityViolationError,
  VALIDATION_ERROR: ValidationError,
  UNAUTHORIZED: UnauthorizedError,
  FORBIDDEN: ForbiddenError,
  NOT_FOUND: NotFoundError,
  CONFLICT: ConflictError,
  RATE_LIMITED: RateLimitedError,
  INTERNAL_ERROR: InternalError,
}

/** The typed error for a server refusal (an unknown code is a plain KeywardenError). */
export function errorFor(code: string, message: string, opts?: Opts): KeywardenError {
  const E = BY_CODE[code]
  return E ? new E(message, opts) : new KeywardenError(code, message, opts)
}

/** Refusals a retry cannot change: the heartbeat loop stops on these. */
export function isFatal(e: unknown): boolean {
  return (
    e instanceof KeywardenError &&
    !(e instanceof NetworkError) &&
    !(e instanceof RateLimitedError) &&
    !(e instanceof InternalError) &&
    e.status < 500
  )
}
