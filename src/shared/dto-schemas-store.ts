import { z } from 'zod'
import type { NotificationDto } from './accounts'
import type { AnalyticsDto, CustomerDetailDto, CustomerDto } from './channels/store'
import { issuedKeyFields, orderDtoSchema } from './dto-schemas'

/**
 * The customer, store-analytics and notification routes' answer shapes (see dto-schemas.ts
 * for the principle), kept equal to their DTO interfaces by the check at the end.
 */
const perCurrency = z.record(z.string(), z.number().int())
const customerFields = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string().nullable(),
  created_at: z.string(),
  orders: z.number().int(),
  paid_orders: z.number().int(),
  keys: z.number().int(),
  notes: z.string(),
  spent_cents: perCurrency,
})
const customerDetailFields = customerFields.extend({
  order_list: z.array(orderDtoSchema),
  key_list: z.array(issuedKeyFields.extend({ product_name: z.string() })),
})

const counts = {
  orders: z.number().int(),
  paid_orders: z.number().int(),
  revenue_cents: perCurrency,
  activations: z.number().int(),
}
const analyticsFields = z.object({
  from: z.string(),
  to: z.string(),
  days: z.array(z.object({ date: z.string(), ...counts })),
  products: z.array(
    z.object({
      product_id: z.string(),
      product_num: z.number().int(),
      name: z.string(),
      ...counts,
    }),
  ),
  totals: z.object(counts),
})

const notificationFields = z.object({
  id: z.string(),
  type: z.string(),
  title: z.string(),
  message: z.string(),
  is_read: z.boolean(),
  created_at: z.string(),
})

export const customerDtoSchema = customerFields.meta({ id: 'Customer' })
export const customerDetailDtoSchema = customerDetailFields.meta({ id: 'CustomerDetail' })
export const analyticsDtoSchema = analyticsFields.meta({ id: 'StoreAnalytics' })
export const notificationDtoSchema = notificationFields.meta({ id: 'Notification' })

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
export const STORE_SCHEMAS_MATCH: [
  Same<z.output<typeof customerFields>, CustomerDto>,
  Same<z.output<typeof customerDetailFields>, CustomerDetailDto>,
  Same<z.output<typeof analyticsFields>, AnalyticsDto>,
  Same<z.output<typeof notificationFields>, NotificationDto>,
] = [true, true, true, true]
