import { z } from 'zod'

/**
 * Each protocol's error body as a zod schema (the OpenAPI document's `components.schemas`,
 * see openapi-components.ts), in a module of its own so that protocol adapters can use them
 * too without an import cycle.
 */

/** The request's id (X-Request-Id), in error bodies whose protocol allows an extra field. */
const requestId = z.string().optional()

/**
 * DevPayr's refusal, `{ status: "error", message, data: null, errors }`: also its routes'
 * response schema for every error status (protocols/devpayr/schemas.ts), so the serializer
 * keeps `request_id`.
 */
export const devpayrErrorSchema = z.object({
  status: z.literal('error'),
  message: z.string(),
  data: z.null(),
  errors: z.record(z.string(), z.array(z.string())).nullable(),
  request_id: requestId,
})

/** Each protocol's error body, once, as the document's `components.schemas`. */
export const ERROR_SCHEMAS = {
  LicensecmError: z
    .object({
      success: z.literal(false),
      message: z.string(),
      error_code: z.string(),
      request_id: requestId,
    })
    .loose(),
  SellrealmError: z.object({
    status: z.literal('error'),
    message: z.string(),
    request_id: requestId,
  }),
  DevpayrError: devpayrErrorSchema,
  HirezError: z.object({ ret_msg: z.string(), request_id: requestId }).loose(),
} as const
