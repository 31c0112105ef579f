import { z } from 'zod'
import type { Page } from '../dto'
import { channel, none } from './channel'

/** The events a webhook can subscribe to (LicenseCM's list). */
export const WEBHOOK_EVENTS = [
  'license.created',
  'license.activated',
  'license.deactivated',
  'license.expired',
  'license.suspended',
  'license.deleted',
  'security.alert',
  'security.blocked',
] as const
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number]

const intish = (min: number, max: number) =>
  z
    .union([
      z.number(),
      z
        .string()
        .regex(/^\d{1,9}$/, 'Expected a whole number')
        .transform(Number),
    ])
    .pipe(z.number().int().min(min).max(max))

export const webhookUrlSchema = z
  .url({ protocol: /^https?$/, error: 'Expected an http(s) URL' })
  .max(2048)
export const webhookSecretSchema = z
  .string()
  .min(16, 'The secret must be at least 16 characters')
  .max(256)

export const createWebhookSchema = z.object({
  url: webhookUrlSchema,
  events: z
    .array(z.enum(WEBHOOK_EVENTS))
    .min(1, 'Pick at least one event')
    .max(WEBHOOK_EVENTS.length),
  /** Generated (`whsec_...`) when omitted; shown once in the answer. */
  secret: webhookSecretSchema.optional(),
  is_active: z.boolean().optional(),
})
export type CreateWebhookInput = z.input<typeof createWebhookSchema>
export type CreateWebhookParsed = z.output<typeof createWebhookSchema>
export const updateWebhookSchema = createWebhookSchema.partial()
export type UpdateWebhookInput = z.input<typeof updateWebhookSchema>
export type UpdateWebhookParsed = z.output<typeof updateWebhookSchema>

/** How long a rotated-out secret keeps signing unless the rotation says otherwise. */
export const DEFAULT_OVERLAP_HOURS = 24

/**
 * Rotating a webhook's secret: a new one is generated and shown once; the previous one keeps
 * signing deliveries (a second `v1=` in Keywarden-Signature) for `overlap_hours` (0 = none),
 * so receivers can switch without missing a delivery.
 */
export const rotateWebhookSecretSchema = z.object({
  overlap_hours: intish(0, 720).default(DEFAULT_OVERLAP_HOURS),
})
export type RotateWebhookSecretInput = z.input<typeof rotateWebhookSecretSchema>
export type RotateWebhookSecretParsed = z.output<typeof rotateWebhookSecretSchema>

export const listDeliveriesSchema = z.object({
  status: z.enum(['pending', 'delivered', 'failed']).optional(),
  page: intish(1, 1_000_000).default(1),
  limit: intish(1, 200).default(50),
})
export type ListDeliveriesQuery = z.output<typeof listDeliveriesSchema>

export interface WebhookDto {
  id: string
  owner_id: string | null
  url: string
  events: WebhookEvent[]
  /** The full secret only when just created or changed; otherwise masked (`whsec_…abcd`). */
  secret: string
  /** Until when a rotation's previous secret still signs deliveries too (null: none does). */
  previous_secret_expires_at: string | null
  is_active: boolean
  created_at: string
  updated_at: string
  /** Deliveries still waiting for a (re)try, and the latest outcome. */
  pending_deliveries?: number
  last_delivery_at?: string | null
  last_status?: 'pending' | 'delivered' | 'failed' | null
}

export interface DeliveryDto {
  id: string
  webhook_id: string
  event_id: number | null
  event_type: string
  status: 'pending' | 'delivered' | 'failed'
  attempts: number
  next_attempt_at: string | null
  last_status_code: number | null
  last_response_ms: number | null
  last_error: string | null
  created_at: string
  delivered_at: string | null
  /** The exact body sent and signed. */
  payload: string
}

export interface WebhookTestResult {
  delivered: boolean
  status_code: number | null
  response_time_ms: number
  error: string | null
  delivery_id: string
}

const id = z.object({ id: z.string().min(1).max(64) })

/** Webhook endpoints, their delivery log, test sends and redelivery. */
export const webhookChannels = {
  'webhooks.list': channel(none).for('user').returns<WebhookDto[]>(),
  'webhooks.create': channel(createWebhookSchema).for('user').returns<WebhookDto>(),
  'webhooks.update': channel(id.extend({ patch: updateWebhookSchema }))
    .for('user')
    .returns<WebhookDto>(),
  'webhooks.delete': channel(id).for('user').returns<{ deleted: true }>(),
  'webhooks.rotateSecret': channel(id.extend(rotateWebhookSecretSchema.shape))
    .for('user')
    .returns<WebhookDto>(),
  'webhooks.test': channel(id).for('user').returns<WebhookTestResult>(),
  'webhooks.deliveries': channel(id.extend(listDeliveriesSchema.shape))
    .for('user')
    .returns<Page<DeliveryDto>>(),
  'webhooks.redeliver': channel(id).for('user').returns<DeliveryDto>(),
} as const
