import { DomainError } from '@shared/errors'
import {
  type CreateOrderParsed,
  type ListOrdersQuery,
  type OrderDto,
  type OrderPage,
  type OrderStatus,
} from '@shared/channels/store'
import * as repo from '../../db/repositories/orders'
import { findOrCreateCustomer, nameCustomerIfUnnamed } from '../../db/repositories/customers'
import { findProduct, findProductByNum } from '../../db/repositories/products'
import { insertLicensesSync } from '../../db/repositories/licenses'
import type { OwnerScope } from '../../db/repositories/store'
import type { Product } from '../../db/schema'
import { uuid } from '../../crypto/random'
import { nowIso, type ServiceContext } from '../context'
import type { EventsService } from '../events'
import type { LicenseLifecycle } from '../licenses/lifecycle'
import { orderLicenseIds } from '../../db/repositories/lifecycle'
import { boundary, keyRows, toIssuedKeyDto } from './issue'

function inScope(scope: OwnerScope, ownerId: string | null): boolean {
  return 'all' in scope || scope.ownerId === ownerId
}

/**
 * Orders: created pending (or paid at once), paid exactly once (keys issued, stock taken),
 * refunded (keys suspended, stock returned) or cancelled while pending.
 */
export function createOrdersService(
  ctx: ServiceContext,
  deps: { events: EventsService; lifecycle: LicenseLifecycle },
) {
  async function product(scope: OwnerScope, ref: number | string): Promise<Product> {
    const p =
      typeof ref === 'number' ? await findProductByNum(ctx.db, ref) : await findProduct(ctx.db, ref)
    if (!p || !inScope(scope, p.owner_id))
      throw new DomainError('PRODUCT_NOT_FOUND', 'Product not found')
    return p
  }

  async function load(scope: OwnerScope, idOrNum: string): Promise<repo.OrderRow> {
    const o = await repo.findOrder(ctx.db, scope, idOrNum)
    if (!o) throw new DomainError('NOT_FOUND', 'Order not found')
    return o
  }

  async function dtos(rows: repo.OrderRow[]): Promise<OrderDto[]> {
    const now = nowIso(ctx)
    const keys = await repo.issuedKeys(ctx.db, { orderIds: rows.map((r) => r.id) })
    return rows.map((o) => ({
      id: o.id,
      num: o.num,
      customer_id: o.customer_id,
      customer_email: o.customer_email,
      product_id: o.product_id,
      product_num: o.product_num,
      product_name: o.product_name,
      quantity: o.quantity,
      amount_cents: o.amount_cents,
      currency: o.currency,
      status: o.status,
      payment_ref: o.payment_ref,
      created_at: o.created_at,
      updated_at: o.updated_at,
      paid_at: o.paid_at,
      refunded_at: o.refunded_at,
      keys: keys.filter((k) => k.order_id === o.id).map((k) => toIssuedKeyDto(k, now)),
    }))
  }

  async function get(scope: OwnerScope, idOrNum: string): Promise<OrderDto> {
    return (await dtos([await load(scope, idOrNum)]))[0]
  }

  /** Pays a pending order: keys issued and stock taken in one transaction, exactly once. */
  async function pay(scope: OwnerScope, idOrNum: string): Promise<OrderDto> {
    const o = await load(scope, idOrNum)
    if (o.status === 'paid') return get(scope, o.id) // paying twice issues nothing new
    if (o.status !== 'pending')
      throw new DomainError('CONFLICT', `A ${o.status} order cannot be paid`)
    const p = (await findProduct(ctx.db, o.product_id))!
    const clock = ctx.clock()
    const rows = keyRows(p, o, clock)
    // Synchronous better-sqlite3 transaction: the conditional UPDATE decides who pays (a
    // racing second pay changes no row and issues nothing), and nothing else can interleave
    // on the shared connection before COMMIT.
    const outcome = ctx.sqlite.transaction((): 'paid' | 'raced' | 'out_of_stock' => {
      if (!repo.transitionOrder(ctx.sqlite, o.id, 'pending', 'paid', clock.toISOString()))
        return 'raced'
      if (!repo.takeStock(ctx.sqlite, p.id, o.quantity)) throw new OutOfStock()
      insertLicensesSync(ctx.sqlite, rows)
      return 'paid'
    })
    let result: 'paid' | 'raced' | 'out_of_stock'
    try {
      result = outcome()
    } catch (e) {
      if (!(e instanceof OutOfStock)) throw e
      result = 'out_of_stock'
    }
    if (result === 'out_of_stock') {
      const left = (await findProduct(ctx.db, p.id))?.stock ?? 0
      throw new DomainError(
        'CONFLICT',
        `Out of stock: ${left} left of "${p.name}", the order needs ${o.quantity}`,
        {
          stock: left,
        },
      )
    }
    if (result === 'raced') {
      const now = await load(scope, o.id)
      if (now.status !== 'paid')
        throw new DomainError('CONFLICT', `A ${now.status} order cannot be paid`)
      return get(scope, o.id)
    }
    await deps.events.record({
      type: 'order.paid',
      productId: p.id,
      details: {
        order_id: o.id,
        order_num: o.num,
        keys_issued: rows.length,
        amount_cents: o.amount_cents,
        currency: o.currency,
      },
    })
    // As licenses.create does, one license.created per key (webhooks, the key's timeline).
    for (const r of rows) {
      await deps.events.record({
        type: 'license.created',
        productId: p.id,
        licenseId: r.id,
        details: { key_prefix: r.key.slice(0, 4), order_id: o.id, order_num: o.num },
      })
    }
    return get(scope, o.id)
  }

  /**
   * Refunds a paid order: its active keys are suspended (the lifecycle's suspend: their
   * sessions end) and its units go back into stock, all in one transaction with the events.
   */
  async function refund(scope: OwnerScope, idOrNum: string): Promise<OrderDto> {
    const o = await load(scope, idOrNum)
    if (o.status === 'refunded') return get(scope, o.id)
    if (o.status !== 'paid')
      throw new DomainError(
        'CONFLICT',
        `Only a paid order can be refunded (this one is ${o.status})`,
      )
    const reason = `Order #${o.num} refunded`
    const events = await ctx.writes.run(() => {
      const now = nowIso(ctx)
      if (!repo.transitionOrder(ctx.sqlite, o.id, 'paid', 'refunded', now)) return null
      repo.returnStock(ctx.sqlite, o.product_id, o.quantity)
      const keys = orderLicenseIds(ctx.sqlite, o.id, 'active')
      // One license.suspended per key, so webhooks and each key's timeline say why.
      const suspended = keys.flatMap(
        (id) =>
          deps.lifecycle.applyInTransaction(
            id,
            { kind: 'suspend', reason },
            { details: { order_id: o.id } },
          ).events,
      )
      const refunded = deps.events.insert({
        type: 'order.refunded',
        severity: 'low',
        productId: o.product_id,
        details: {
          order_id: o.id,
          order_num: o.num,
          keys_suspended: keys.length,
          amount_cents: o.amount_cents,
        },
      })
      return [refunded, ...suspended]
    })
    if (events !== null) deps.events.publish(...events)
    return get(scope, o.id)
  }

  async function cancel(scope: OwnerScope, idOrNum: string): Promise<OrderDto> {
    const o = await load(scope, idOrNum)
    if (o.status === 'cancelled') return get(scope, o.id)
    if (o.status !== 'pending')
      throw new DomainError(
        'CONFLICT',
        `Only a pending order can be cancelled (this one is ${o.status})`,
      )
    if (repo.transitionOrder(ctx.sqlite, o.id, 'pending', 'cancelled', nowIso(ctx))) {
      await deps.events.record({
        type: 'order.cancelled',
        productId: o.product_id,
        details: { order_id: o.id, order_num: o.num },
      })
      return get(scope, o.id)
    }
    return cancel(scope, o.id) // raced with a pay: answer from the new state
  }

  return {
    get,
    pay,
    refund,
    cancel,

    async create(scope: OwnerScope, input: CreateOrderParsed): Promise<OrderDto> {
      const p = await product(scope, input.product_id)
      if (p.is_active !== 1) throw new DomainError('PRODUCT_NOT_FOUND', 'Product is not active')
      if (p.stock !== null && p.stock < input.quantity) {
        throw new DomainError(
          'CONFLICT',
          `Out of stock: ${p.stock} left of "${p.name}", the order needs ${input.quantity}`,
          {
            stock: p.stock,
          },
        )
      }
      const now = nowIso(ctx)
      const customerId = await findOrCreateCustomer(
        ctx.db,
        p.owner_id,
        input.customer_email,
        uuid(),
        now,
      )
      if (input.customer_name) await nameCustomerIfUnnamed(ctx.db, customerId, input.customer_name)
      const id = uuid()
      await repo.insertOrder(ctx.db, {
        id,
        owner_id: p.owner_id,
        customer_id: customerId,
        product_id: p.id,
        quantity: input.quantity,
        amount_cents: input.amount_cents ?? p.price_cents * input.quantity,
        currency: input.currency ?? p.currency,
        status: 'pending',
        payment_ref: input.payment_ref ?? null,
        created_at: now,
        updated_at: now,
        paid_at: null,
        refunded_at: null,
      })
      await deps.events.record({
        type: 'order.created',
        productId: p.id,
        details: { order_id: id, quantity: input.quantity },
      })
      return input.status === 'paid' ? pay(scope, id) : get(scope, id)
    },

    async list(scope: OwnerScope, f: ListOrdersQuery): Promise<OrderPage> {
      const productId =
        f.product_id === undefined ? undefined : (await product(scope, f.product_id)).id
      const { rows, total } = await repo.listOrders(
        ctx.db,
        scope,
        {
          status: f.status,
          customer: f.customer,
          productId,
          from: boundary(f.from, false),
          to: boundary(f.to, true),
        },
        f.page,
        f.limit,
      )
      return { items: await dtos(rows), page: f.page, limit: f.limit, total }
    },

    /** Moves an order to `status` through the one allowed path for it. */
    async setStatus(scope: OwnerScope, idOrNum: string, status: OrderStatus): Promise<OrderDto> {
      const o = await load(scope, idOrNum)
      if (status === 'paid') return pay(scope, o.id)
      if (status === 'refunded') return refund(scope, o.id)
      if (status === 'cancelled') return cancel(scope, o.id)
      if (o.status === 'pending') return get(scope, o.id)
      throw new DomainError('CONFLICT', `A ${o.status} order cannot go back to pending`)
    },
  }
}

class OutOfStock extends Error {}

export type OrdersService = ReturnType<typeof createOrdersService>
