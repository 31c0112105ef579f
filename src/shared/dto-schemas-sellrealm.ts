import { z } from 'zod'
import { GRACE_WARNING } from './policy'
import { ORDER_STATUSES } from './channels/store'
import { licenseStatusSchema } from './schemas'

/**
 * What SellRealm's two surfaces answer, as zod schemas: the Store API v1 routes declare them as
 * their response schemas (so a handler that returns anything else does not compile), License
 * API v0 documents them (`config.documentedResponse`: its hot path keeps no serializer) and
 * types its handler with them. Times are SellRealm's `YYYY-MM-DD HH:MM:SS` (UTC), money decimal.
 */

const dateTime = z.string().describe('UTC, `YYYY-MM-DD HH:MM:SS`')
const date = z.string().describe('UTC, `YYYY-MM-DD`')
/** Decimal money per currency (`{"EUR": 30, "USD": 21}`): currencies are never added up. */
const perCurrency = z.record(z.string(), z.number())
const keyStatus = z.enum(['Used', 'Unused', 'Banned'])
/** The license's own status beside SellRealm's three key states. */
const keyState = licenseStatusSchema

// ---- Store API v1 ---------------------------------------------------------------------------

export const srOrderSchema = z
  .object({
    order_id: z.number().int(),
    status: z.enum(ORDER_STATUSES),
    customer_id: z.string(),
    customer_email: z.string(),
    product_id: z.number().int(),
    product_title: z.string(),
    quantity: z.number().int(),
    amount: z.number(),
    amount_cents: z.number().int(),
    currency: z.string(),
    payment_ref: z.string().nullable(),
    created_at: dateTime,
    paid_at: dateTime.nullable(),
    refunded_at: dateTime.nullable(),
    keys: z.array(
      z.object({
        key_id: z.number().int(),
        key_value: z.string(),
        status: keyStatus,
        state: keyState,
      }),
    ),
  })
  .meta({ id: 'SellrealmOrder' })
export type SrOrder = z.infer<typeof srOrderSchema>

export const srProductListSchema = z.array(
  z
    .object({
      product_id: z.number().int(),
      title: z.string(),
      price: z.number(),
      stock: z.number().int().nullable(),
      currency: z.string(),
      created_at: dateTime,
    })
    .meta({ id: 'SellrealmProduct' }),
)

export const srProductCreatedSchema = z.object({
  message: z.string(),
  product_id: z.number().int(),
})

export const srKeyListSchema = z.array(
  z
    .object({
      key_id: z.number().int(),
      key_value: z.string(),
      status: keyStatus,
      created_at: dateTime,
      expires_at: date.nullable(),
    })
    .meta({ id: 'SellrealmKey' }),
)

export const srOrderListSchema = z.array(srOrderSchema)
export const srOrderCreatedSchema = z.object({
  message: z.string(),
  order_id: z.number().int(),
  order: srOrderSchema,
})
export const srOrderChangedSchema = z.object({ message: z.string(), order: srOrderSchema })

const srCustomerFields = {
  customer_id: z.string(),
  email: z.string(),
  name: z.string().nullable(),
  spent: perCurrency,
  created_at: dateTime,
}
export const srCustomerListSchema = z.array(
  z
    .object({
      ...srCustomerFields,
      orders: z.number().int(),
      paid_orders: z.number().int(),
      keys: z.number().int(),
    })
    .meta({ id: 'SellrealmCustomer' }),
)
export const srCustomerSchema = z
  .object({
    ...srCustomerFields,
    orders: z.array(srOrderSchema),
    keys: z.array(
      z.object({
        key_id: z.number().int(),
        key_value: z.string(),
        product_title: z.string(),
        status: keyStatus,
        state: keyState,
        created_at: dateTime,
      }),
    ),
  })
  .meta({ id: 'SellrealmCustomerDetail' })

const counts = {
  orders: z.number().int(),
  paid_orders: z.number().int(),
  revenue: perCurrency,
  revenue_cents: z.record(z.string(), z.number().int()),
  activations: z.number().int(),
}
export const srAnalyticsSchema = z
  .object({
    from: dateTime,
    to: dateTime,
    totals: z.object(counts),
    days: z.array(z.object({ date, ...counts })),
    products: z.array(z.object({ product_id: z.number().int(), title: z.string(), ...counts })),
  })
  .meta({ id: 'SellrealmAnalytics' })

// ---- License API v0 -------------------------------------------------------------------------

const done = { status: z.literal('success'), message: z.string() }
const grace = {
  grace_until: dateTime.optional().describe('Set while the key is within its grace period'),
  warning: z.literal(GRACE_WARNING).optional(),
}
const variable = z.union([
  z.string(),
  z.boolean(),
  z.object({ name: z.string(), size: z.number().int(), data: z.string() }),
])

/** Every v0 answer: which fields come with it depends on the operation (`type`). */
export const srLicenseAnswerSchema = z
  .union([
    z
      .object({
        ...done,
        session_id: z.string(),
        session_expires_at: dateTime,
        nonce: z.string(),
        key_expires_at: date.nullable(),
        variables: z.record(z.string(), variable),
        server_time: z.number().int(),
        level: z.number().int(),
        ...grace,
      })
      .describe('login'),
    z
      .object({
        ...done,
        nonce: z.string(),
        key_expires_at: date.nullable(),
        level: z.number().int(),
        server_time: z.number().int(),
        session_expires_at: dateTime,
        ...grace,
      })
      .describe('check_session'),
    z.object({ ...done, hwid: z.string().nullable() }).describe('get_hwid, restore_hwid'),
    z.object(done).describe('reset_hwid, terminate_session, log_action, ban_key: the message only'),
  ])
  .meta({ id: 'SellrealmLicenseAnswer' })
export type SrLicenseAnswer = z.infer<typeof srLicenseAnswerSchema>
