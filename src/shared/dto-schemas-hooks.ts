import { z } from 'zod'
import {
  WEBHOOK_EVENTS,
  type DeliveryDto,
  type WebhookDto,
  type WebhookTestResult,
} from './channels/webhooks'
import type { VariableDto } from './channels/variables'
import {
  blacklistSeveritySchema,
  blacklistTypeSchema,
  type BlacklistEntryDto,
  type SessionDto,
} from './channels/security'

/**
 * The webhook and variable routes' answer shapes (see dto-schemas.ts for the principle): the
 * response schemas are built from these, and the compile-time check at the end keeps each
 * equal to its DTO interface.
 */
const deliveryStatus = z.enum(['pending', 'delivered', 'failed'])
const webhookFields = z.object({
  id: z.string(),
  owner_id: z.string().nullable(),
  url: z.string(),
  events: z.array(z.enum(WEBHOOK_EVENTS)),
  secret: z.string(),
  previous_secret_expires_at: z.string().nullable(),
  is_active: z.boolean(),
  created_at: z.string(),
  updated_at: z.string(),
  pending_deliveries: z.number().int().optional(),
  last_delivery_at: z.string().nullable().optional(),
  last_status: deliveryStatus.nullable().optional(),
})

const deliveryFields = z.object({
  id: z.string(),
  webhook_id: z.string(),
  event_id: z.number().int().nullable(),
  event_type: z.string(),
  status: deliveryStatus,
  attempts: z.number().int(),
  next_attempt_at: z.string().nullable(),
  last_status_code: z.number().int().nullable(),
  last_response_ms: z.number().nullable(),
  last_error: z.string().nullable(),
  created_at: z.string(),
  delivered_at: z.string().nullable(),
  payload: z.string(),
})

const webhookTestFields = z.object({
  delivered: z.boolean(),
  status_code: z.number().int().nullable(),
  response_time_ms: z.number(),
  error: z.string().nullable(),
  delivery_id: z.string(),
})

const variableFields = z.object({
  id: z.string(),
  scope: z.enum(['product', 'license']),
  product_id: z.string().nullable(),
  license_id: z.string().nullable(),
  name: z.string(),
  type: z.enum(['string', 'boolean', 'file']),
  value: z.union([z.string(), z.boolean()]).nullable(),
  file: z.object({ name: z.string(), size: z.number().int() }).nullable(),
  created_at: z.string(),
  updated_at: z.string(),
})

export const webhookDtoSchema = webhookFields.meta({ id: 'Webhook' })
export const deliveryDtoSchema = deliveryFields.meta({ id: 'WebhookDelivery' })
export const webhookTestResultSchema = webhookTestFields.meta({ id: 'WebhookTestResult' })
export const variableDtoSchema = variableFields.meta({ id: 'Variable' })
/** One variable by name: a file variable comes with its bytes (base64) in `data`. */
export const variableWithDataSchema = variableFields.extend({ data: z.string().optional() })
/** `{deleted: true}`, the answer of the deleting routes. */
export const deletedSchema = z.object({ deleted: z.literal(true) })

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
export const HOOK_SCHEMAS_MATCH: [
  Same<z.output<typeof webhookFields>, WebhookDto>,
  Same<z.output<typeof deliveryFields>, DeliveryDto>,
  Same<z.output<typeof webhookTestFields>, WebhookTestResult>,
  Same<z.output<typeof variableFields>, VariableDto>,
] = [true, true, true, true]

const blacklistEntryFields = z.object({
  id: z.string(),
  type: blacklistTypeSchema,
  value: z.string(),
  reason: z.string(),
  severity: blacklistSeveritySchema,
  is_active: z.boolean(),
  expires_at: z.string().nullable(),
  created_by: z.string().nullable(),
  source: z.enum(['manual', 'detection']),
  created_at: z.string(),
})
export const blacklistEntryDtoSchema = blacklistEntryFields.meta({ id: 'BlacklistEntry' })
export const SECURITY_SCHEMAS_MATCH: Same<
  z.output<typeof blacklistEntryFields>,
  BlacklistEntryDto
> = true

const nullableText = z.string().nullable()
const sessionFields = z.object({
  id: z.string(),
  license_id: z.string(),
  license_key: nullableText,
  product_id: nullableText,
  machine_id: nullableText,
  protocol: z.string(),
  hwid: nullableText,
  ip: nullableText,
  user_agent: nullableText,
  is_active: z.boolean(),
  created_at: z.string(),
  expires_at: z.string(),
  last_seen_at: z.string(),
  revoked_at: nullableText,
  revoked_reason: nullableText,
})
export const sessionDtoSchema = sessionFields.meta({ id: 'ClientSession' })
export const SESSION_SCHEMA_MATCHES: Same<z.output<typeof sessionFields>, SessionDto> = true
