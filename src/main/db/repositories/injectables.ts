import type { Updateable } from 'kysely'
import type { Executor } from '../types'
import type { ProductInjectable, ProductInjectablesTable } from '../schema'

/** A product's injectables in the order they were added. */
export async function listInjectables(
  ex: Executor,
  productId: string,
  opts: { activeOnly?: boolean; includePaidOnly?: boolean } = {},
): Promise<ProductInjectable[]> {
  let q = ex.selectFrom('product_injectables').selectAll().where('product_id', '=', productId)
  if (opts.activeOnly) q = q.where('is_active', '=', 1)
  if (opts.includePaidOnly === false) q = q.where('only_if_paid', '=', 0)
  // Slug breaks ties between rows written in the same millisecond (stable, readable).
  return q.orderBy('created_at').orderBy('slug').execute()
}

export async function findInjectable(
  ex: Executor,
  productId: string,
  id: string,
): Promise<ProductInjectable | undefined> {
  return ex
    .selectFrom('product_injectables')
    .selectAll()
    .where('product_id', '=', productId)
    .where((eb) => eb.or([eb('id', '=', id), eb('slug', '=', id)]))
    .executeTakeFirst()
}

export async function insertInjectable(ex: Executor, row: ProductInjectable): Promise<void> {
  await ex.insertInto('product_injectables').values(row).execute()
}

export async function updateInjectable(
  ex: Executor,
  id: string,
  patch: Updateable<ProductInjectablesTable>,
): Promise<void> {
  await ex.updateTable('product_injectables').set(patch).where('id', '=', id).execute()
}

export async function deleteInjectable(ex: Executor, id: string): Promise<void> {
  await ex.deleteFrom('product_injectables').where('id', '=', id).execute()
}
