import { z } from 'zod'
import { channel } from './channel'

export const ORDER_STATUSES = ['pending', 'paid', 'refunded', 'cancelled'] as const
export type OrderStatus = (typeof ORDER_STATUSES)[number]
export const orderStatusSchema = z.enum(ORDER_STATUSES)

/** A product named by its integer number (SellRealm `product_id`) or its uuid. */
export const productRefSchema = z.union([z.number().int().positive(), z.string().min(1).max(64)])

/** A day (`2025-01-31`) or an ISO-8601 instant. */
const dayOrInstant = z.union([z.iso.date(), z.iso.datetime({ offset: true })])

export const createOrderSchema = z.object({
  customer_email: z.email('A valid customer email is required').max(320),
  customer_name: z.string().trim().max(200).optional(),
  product_id: productRefSchema,
  quantity: z.number().int().min(1).max(1000).default(1),
  /** Defaults to the product's price times the quantity. */
  amount_cents: z.number().int().min(0).max(1_000_000_000).optional(),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, 'Currency is a 3-letter ISO code')
    .optional(),
  payment_ref: z.string().trim().min(1).max(200).optional(),
  /** `paid` creates the order and pays it at once (keys issued in the same call). */
  status: z.enum(['pending', 'paid']).default('pending'),
})
export type CreateOrderInput = z.input<typeof createOrderSchema>
export type CreateOrderParsed = z.output<typeof createOrderSchema>

export const listOrdersSchema = z.object({
  status: orderStatusSchema.optional(),
  /** Customer id, or (part of) the customer's email. */
  customer: z.string().trim().min(1).max(320).optional(),
  product_id: productRefSchema.optional(),
  from: dayOrInstant.optional(),
  to: dayOrInstant.optional(),
  page: z.coerce.number().int().min(1).default(1),
  limit: z.coerce.number().int().min(1).max(500).default(50),
})
export type ListOrdersInput = z.input<typeof listOrdersSchema>
export type ListOrdersQuery = z.output<typeof listOrdersSchema>

export const analyticsQuerySchema = z.object({
  from: dayOrInstant.optional(),
  to: dayOrInstant.optional(),
  product_id: productRefSchema.optional(),
})
export type AnalyticsQuery = z.infer<typeof analyticsQuerySchema>

/** A key issued for an order (or owned by a customer). */
export interface IssuedKeyDto {
  id: string
  num: number
  key: string
  product_id: string
  status: 'active' | 'suspended' | 'banned' | 'expired'
  used: boolean
  created_at: string
}

export interface OrderDto {
  id: string
  num: number
  customer_id: string
  customer_email: string
  product_id: string
  product_num: number
  product_name: string
  quantity: number
  amount_cents: number
  currency: string
  status: OrderStatus
  payment_ref: string | null
  created_at: string
  updated_at: string
  paid_at: string | null
  refunded_at: string | null
  keys: IssuedKeyDto[]
}

export interface OrderPage {
  items: OrderDto[]
  page: number
  limit: number
  total: number
}

export interface CustomerDto {
  id: string
  email: string
  name: string | null
  created_at: string
  orders: number
  paid_orders: number
  keys: number
  /** The vendor's own notes on the customer (editable on the customer page). */
  notes: string
  /** Paid minus refunded, per currency. */
  spent_cents: Record<string, number>
}

export interface CustomerDetailDto extends CustomerDto {
  order_list: OrderDto[]
  key_list: (IssuedKeyDto & { product_name: string })[]
}

export interface AnalyticsDay {
  date: string
  orders: number
  paid_orders: number
  /** Revenue of orders paid that day (refunds subtracted on their day), per currency. */
  revenue_cents: Record<string, number>
  /** New machine bindings (key activations). */
  activations: number
}

export interface AnalyticsProduct {
  product_id: string
  product_num: number
  name: string
  orders: number
  paid_orders: number
  revenue_cents: Record<string, number>
  activations: number
}

export interface AnalyticsDto {
  from: string
  to: string
  days: AnalyticsDay[]
  products: AnalyticsProduct[]
  totals: {
    orders: number
    paid_orders: number
    revenue_cents: Record<string, number>
    activations: number
  }
}

const byId = z.object({ id: z.string().min(1) })

/** The store: orders, customers and analytics. */
export const storeChannels = {
  'store.orders.list': channel(listOrdersSchema).for('user').returns<OrderPage>(),
  'store.orders.get': channel(byId).for('user').returns<OrderDto>(),
  'store.orders.create': channel(createOrderSchema).for('user').returns<OrderDto>(),
  'store.orders.setStatus': channel(byId.extend({ status: orderStatusSchema }))
    .for('user')
    .returns<OrderDto>(),
  'store.orders.refund': channel(byId).for('user').returns<OrderDto>(),
  'store.customers.list': channel(
    z.object({
      q: z.string().max(320).optional(),
      page: z.number().int().min(1).default(1),
      limit: z.number().int().min(1).max(500).default(50),
    }),
  )
    .for('user')
    .returns<{ items: CustomerDto[]; page: number; limit: number; total: number }>(),
  'store.customers.get': channel(byId).for('user').returns<CustomerDetailDto>(),
  'store.customers.setNotes': channel(byId.extend({ notes: z.string().max(5000) }))
    .for('user')
    .returns<CustomerDto>(),
  'store.analytics': channel(analyticsQuerySchema).for('user').returns<AnalyticsDto>(),
} as const
