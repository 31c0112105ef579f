import { DomainError } from '@shared/errors'
import type {
  AnalyticsDay,
  AnalyticsDto,
  AnalyticsProduct,
  AnalyticsQuery,
  CustomerDetailDto,
  CustomerDto,
} from '@shared/channels/store'
import * as storeRepo from '../../db/repositories/store'
import * as customersRepo from '../../db/repositories/customers'
import { issuedKeys, listOrders } from '../../db/repositories/orders'
import { findProduct, findProductByNum } from '../../db/repositories/products'
import { type Actor, nowIso, ownerOf, seesAll, type ServiceContext } from '../context'
import type { EventsService } from '../events'
import type { AccountsService } from '../accounts'
import type { LicenseLifecycle } from '../licenses/lifecycle'
import { createOrdersService } from './orders'
import { boundary, toIssuedKeyDto } from './issue'
import { lastDays } from '../stats'
import { createSecretsService } from './secrets'
import { createSellRealmConfig } from './config'

export type { OwnerScope } from '../../db/repositories/store'
export type { SecretOwner, SecretsDto } from './secrets'
export type { SellRealmConfig } from './config'

/** The store scope an actor works in: everything for the console and admins, else its own. */
export function scopeOf(actor: Actor): storeRepo.OwnerScope {
  return seesAll(actor) ? { all: true } : { ownerId: ownerOf(actor) }
}

function addMoney(m: Record<string, number>, currency: string, cents: number): void {
  m[currency] = (m[currency] ?? 0) + cents
}

/**
 * The store behind SellRealm's Store API and the console's store screens: orders (with key
 * issue), customers, keys and products of a scope, analytics, and the SellRealm secrets.
 */
export function createStoreService(
  ctx: ServiceContext,
  deps: { events: EventsService; accounts: AccountsService; lifecycle: LicenseLifecycle },
) {
  const orders = createOrdersService(ctx, deps)
  const secrets = createSecretsService(ctx, deps)
  const config = createSellRealmConfig(ctx)

  async function customerDto(rows: customersRepo.CustomerRow[]): Promise<CustomerDto[]> {
    const spent = await customersRepo.spentByCustomer(
      ctx.db,
      rows.map((r) => r.id),
    )
    return rows.map((r) => ({
      id: r.id,
      email: r.email,
      name: r.name,
      created_at: r.created_at,
      orders: r.orders,
      paid_orders: r.paid_orders,
      keys: r.keys,
      notes: r.notes,
      spent_cents: spent.get(r.id) ?? {},
    }))
  }

  return {
    orders,
    secrets,
    /** SellRealm License API tunables (rate limit, timestamp window). */
    config,

    /** Products of a scope (SellRealm's product list). */
    products: (scope: storeRepo.OwnerScope) => storeRepo.listStoreProducts(ctx.db, scope),

    /** License keys of a scope, optionally of one product (by number). */
    async keys(
      scope: storeRepo.OwnerScope,
      f: { productNum?: number; limit: number; offset: number },
    ) {
      let productId: string | undefined
      if (f.productNum !== undefined) {
        const p = await findProductByNum(ctx.db, f.productNum)
        if (!p || !('all' in scope || scope.ownerId === p.owner_id)) {
          throw new DomainError('PRODUCT_NOT_FOUND', 'Product not found')
        }
        productId = p.id
      }
      return storeRepo.listKeys(ctx.db, scope, { productId, limit: f.limit, offset: f.offset })
    },

    async customers(scope: storeRepo.OwnerScope, f: { q?: string; page: number; limit: number }) {
      const { rows, total } = await customersRepo.listCustomers(ctx.db, scope, f.q, f.page, f.limit)
      return { items: await customerDto(rows), page: f.page, limit: f.limit, total }
    },

    /** One customer with every order and every key they hold. */
    async customer(scope: storeRepo.OwnerScope, id: string): Promise<CustomerDetailDto> {
      const c = await customersRepo.findCustomer(ctx.db, scope, id)
      if (!c) throw new DomainError('NOT_FOUND', 'Customer not found')
      const [dto] = await customerDto([c])
      const { rows } = await listOrders(ctx.db, scope, { customer: c.id }, 1, 500)
      const orderList = await Promise.all(rows.map((o) => orders.get(scope, o.id)))
      const now = nowIso(ctx)
      const keys = await issuedKeys(ctx.db, { customerId: c.id })
      return {
        ...dto,
        order_list: orderList,
        key_list: keys.map((k) => ({ ...toIssuedKeyDto(k, now), product_name: k.product_name })),
      }
    },

    /** Replaces the vendor's notes on a customer of the scope. */
    async setCustomerNotes(
      scope: storeRepo.OwnerScope,
      id: string,
      notes: string,
    ): Promise<CustomerDto> {
      if (!(await customersRepo.setCustomerNotes(ctx.db, scope, id, notes)))
        throw new DomainError('NOT_FOUND', 'Customer not found')
      const [dto] = await customerDto([(await customersRepo.findCustomer(ctx.db, scope, id))!])
      return dto
    },

    /** Orders, revenue and activations per day and per product over a range (default: last 30 days). */
    async analytics(scope: storeRepo.OwnerScope, q: AnalyticsQuery): Promise<AnalyticsDto> {
      // The default window is the dashboard's "last 30 days": 30 UTC days ending today.
      const to = boundary(q.to, true) ?? lastDays(ctx.clock()).to
      const from = boundary(q.from, false) ?? lastDays(new Date(Date.parse(to) - 1)).from
      if (from >= to) throw new DomainError('VALIDATION_ERROR', '"from" must be before "to"')
      if (Date.parse(to) - Date.parse(from) > 3 * 366 * 86_400_000) {
        throw new DomainError('VALIDATION_ERROR', 'The range is limited to three years')
      }
      let productId: string | undefined
      if (q.product_id !== undefined) {
        const p =
          typeof q.product_id === 'number'
            ? await findProductByNum(ctx.db, q.product_id)
            : await findProduct(ctx.db, q.product_id)
        if (!p || !('all' in scope || scope.ownerId === p.owner_id)) {
          throw new DomainError('PRODUCT_NOT_FOUND', 'Product not found')
        }
        productId = p.id
      }
      const raw = await storeRepo.analyticsRows(ctx.db, scope, { from, to, productId })

      const days = new Map<string, AnalyticsDay>()
      // Every day of the range, so a chart shows the quiet days as zeros.
      for (let t = Date.parse(from.slice(0, 10)); t < Date.parse(to); t += 86_400_000) {
        const date = new Date(t).toISOString().slice(0, 10)
        days.set(date, { date, orders: 0, paid_orders: 0, revenue_cents: {}, activations: 0 })
      }
      const products = new Map<string, AnalyticsProduct>()
      const prod = (id: string) => {
        let p = products.get(id)
        if (!p) {
          p = {
            product_id: id,
            product_num: 0,
            name: '',
            orders: 0,
            paid_orders: 0,
            revenue_cents: {},
            activations: 0,
          }
          products.set(id, p)
        }
        return p
      }
      const day = (d: string) => days.get(d)!
      for (const r of raw.created) {
        day(r.day).orders += r.n
        prod(r.product_id).orders += r.n
      }
      for (const r of raw.paid) {
        day(r.day).paid_orders += r.n
        prod(r.product_id).paid_orders += r.n
        addMoney(day(r.day).revenue_cents, r.currency, r.cents)
        addMoney(prod(r.product_id).revenue_cents, r.currency, r.cents)
      }
      for (const r of raw.refunded) {
        addMoney(day(r.day).revenue_cents, r.currency, -r.cents)
        addMoney(prod(r.product_id).revenue_cents, r.currency, -r.cents)
      }
      for (const r of raw.activations) {
        day(r.day).activations += r.n
        prod(r.product_id).activations += r.n
      }
      const labels = await storeRepo.productLabels(ctx.db, [...products.keys()])
      for (const p of products.values()) {
        const l = labels.get(p.product_id)
        p.product_num = l?.num ?? 0
        p.name = l?.name ?? '(deleted product)'
      }
      const totals = {
        orders: 0,
        paid_orders: 0,
        revenue_cents: {} as Record<string, number>,
        activations: 0,
      }
      for (const d of days.values()) {
        totals.orders += d.orders
        totals.paid_orders += d.paid_orders
        totals.activations += d.activations
        for (const [c, v] of Object.entries(d.revenue_cents)) addMoney(totals.revenue_cents, c, v)
      }
      return {
        from,
        to,
        days: [...days.values()],
        products: [...products.values()].sort((a, b) => a.product_num - b.product_num),
        totals,
      }
    },
  }
}

export type StoreService = ReturnType<typeof createStoreService>
