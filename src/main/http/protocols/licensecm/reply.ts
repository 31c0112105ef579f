import { z } from 'zod'
import type { ErrorCode } from '@shared/errors'

/**
 * LicenseCM's envelope: `{"success":true,"data":...}`, and for errors
 * `{"success":false,"message":...,"error_code":...}`. Every /api answer goes through here.
 */
export function ok<T>(data: T): { success: true; data: T } {
  return { success: true, data }
}

/** The response schema of `ok(data)`: the route's answer, documented and serialized by it. */
export const envelope = <T extends z.ZodType>(data: T) =>
  z.object({ success: z.literal(true), data })

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
