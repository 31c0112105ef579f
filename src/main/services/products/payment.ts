import { DomainError } from '@shared/errors'
import type { Executor } from '../../db/types'
import { setProductPaid } from '../../db/repositories/product-domains'
import { findProduct } from '../../db/repositories/products'
import { type Actor, nowIso, type ServiceContext } from '../context'
import type { EventsService } from '../events'
import type { ProductsService } from '.'

/**
 * Marks a product paid inside the caller's transaction: the store calls it in the transaction
 * that pays an order, so the order and the product's payment state commit together.
 */
export async function markProductPaid(trx: Executor, productId: string, now: string) {
  await setProductPaid(trx, productId, true, now)
}

/**
 * A product's payment state (DevPayr's `has_paid`): a product starts unpaid; an update sets
 * it either way, a paid store order sets it paid. It never opens a license by itself: a
 * license's own state (revoked, suspended, expired) decides first, whatever the payment.
 */
export function createProductPayment(
  ctx: ServiceContext,
  deps: { events: EventsService; products: ProductsService },
) {
  return {
    async isPaid(productId: string): Promise<boolean> {
      const p = await findProduct(ctx.db, productId)
      if (!p) throw new DomainError('PRODUCT_NOT_FOUND', 'Product not found')
      return p.has_paid === 1
    },

    async set(actor: Actor, productId: string, paid: boolean): Promise<boolean> {
      const p = await deps.products.load(actor, productId)
      if ((p.has_paid === 1) === paid) return paid
      await ctx.tx((trx) => setProductPaid(trx, productId, paid, nowIso(ctx)))
      await deps.events.record({
        type: 'product.payment_changed',
        productId,
        details: { has_paid: paid },
      })
      return paid
    },
  }
}

export type ProductPayment = ReturnType<typeof createProductPayment>
