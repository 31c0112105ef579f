import type { ErrorCode } from '@shared/errors'

/**
 * LicenseCM's envelope: `{"success":true,"data":...}`, and for errors
 * `{"success":false,"message":...,"error_code":...}`. Every /api answer goes through here.
 */
export function ok<T>(data: T): { success: true; data: T } {
  return { success: true, data }
}

export interface Failure {
  success: false
  message: string
  error_code: ErrorCode | string
  [extra: string]: unknown
}

export function failure(
  code: ErrorCode | string,
  message: string,
  extra?: Record<string, unknown>,
): Failure {
  return { success: false, message, error_code: code, ...extra }
}

export interface Pagination {
  page: number
  limit: number
  total: number
  pages: number
}

/** The `pagination` object of list answers (`pages` is at least 1 so clients can loop on it). */
export function pagination(page: number, limit: number, total: number): Pagination {
  return { page, limit, total, pages: Math.max(1, Math.ceil(total / limit)) }
}
