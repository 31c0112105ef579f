import type { EventDto } from '@shared/dto'
import type { RecordEvent } from '../events'
import { DomainError } from '@shared/errors'
import {
  type CreateOrderParsed,
  type ListOrdersQuery,
  type OrderDto,
  type OrderPage,
  type OrderStatus,
} from '@shared/channels/store'
import * as repo from '../../db/repositories/orders'
import type { Trx } from '../../db/connection'
import { findOrCreateCustomer, nameCustomerIfUnnamed } from '../../db/repositories/customers'
import { findProduct, findProductByNum } from '../../db/repositories/products'
import { insertLicenses } from '../../db/repositories/licenses'
import type { OwnerScope } from '../../db/repositories/store'
import type { Product } from '../../db/schema'
import { uuid } from '../../crypto/random'
import { nowIso, type ServiceContext } from '../context'
import type { EventsService } from '../events'
import type { LicenseLifecycle } from '../licenses/lifecycle'
import { orderLicenseIds } from '../../db/repositories/lifecycle'
import { boundary, keyRows, toIssuedKeyDto } from './issue'
import { markProductPaid } from '../products/payment'

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
  const insertEvent = (trx: Trx, e: RecordEvent) => deps.events.insert(trx, e)

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
    const now = clock.toISOString()
    // One transaction on any dialect: order paid, stock taken, keys and their events written,
    // or none of it. The conditional UPDATE on the order row decides who pays: under READ
    // COMMITTED a racing second pay (this node or another) waits for the first one's row lock,
    // then finds the status no longer 'pending', changes no row and issues nothing. Running out
    // of stock throws, which undoes the order's transition with everything else.
    let outcome: { result: 'raced' } | { result: 'paid'; events: EventDto[] }
    try {
      outcome = await ctx.tx(async (trx) => {
        if (!(await repo.transitionOrder(trx, o.id, 'pending', 'paid', now)))
          return { result: 'raced' as const }
        if (!(await repo.takeStock(trx, p.id, o.quantity))) throw new OutOfStock()
        // A paid order makes its product paid (DevPayr's has_paid), in the same transaction.
        await markProductPaid(trx, p.id, now)
        await insertLicenses(trx, rows)
        const events = [
          await insertEvent(trx, {
            type: 'order.paid',
            productId: p.id,
            details: {
              order_id: o.id,
              order_num: o.num,
              keys_issued: rows.length,
              amount_cents: o.amount_cents,
              currency: o.currency,
            },
          }),
        ]
        // As licenses.create does, one license.created per key (webhooks, the key's timeline).
        for (const r of rows) {
          events.push(
            await insertEvent(trx, {
              type: 'license.created',
              productId: p.id,
              licenseId: r.id,
              details: { key_prefix: r.key.slice(0, 4), order_id: o.id, order_num: o.num },
            }),
          )
        }
        return { result: 'paid' as const, events }
      })
    } catch (e) {
      if (!(e instanceof OutOfStock)) throw e
      const left = (await findProduct(ctx.db, p.id))?.stock ?? 0
      throw new DomainError(
        'CONFLICT',
        `Out of stock: ${left} left of "${p.name}", the order needs ${o.quantity}`,
        {
          stock: left,
        },
      )
    }
    if (outcome.result === 'raced') {
      const current = await load(scope, o.id)
      if (current.status !== 'paid')
        throw new DomainError('CONFLICT', `A ${current.status} order cannot be paid`)
      return get(scope, o.id)
    }
    deps.events.publish(...outcome.events)
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
    // The conditional UPDATE decides a racing second refund, as for pay; each key's suspend
    // locks its license row (the lifecycle), so a concurrent transition of a key waits for it.
    const events = await ctx.tx(async (trx) => {
      const now = nowIso(ctx)
      if (!(await repo.transitionOrder(trx, o.id, 'paid', 'refunded', now))) return null
      await repo.returnStock(trx, o.product_id, o.quantity)
      const keys = await orderLicenseIds(trx, o.id, 'active')
      // One license.suspended per key, so webhooks and each key's timeline say why.
      const suspended: EventDto[] = []
      for (const id of keys) {
        const out = await deps.lifecycle.applyIn(
          trx,
          id,
          { kind: 'suspend', reason },
          { details: { order_id: o.id } },
        )
        suspended.push(...out.events)
      }
      const refunded = await insertEvent(trx, {
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
    if (await repo.transitionOrder(ctx.db, o.id, 'pending', 'cancelled', nowIso(ctx))) {
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
