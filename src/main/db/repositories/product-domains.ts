import type { Executor } from '../types'
import type { ProductDomain, ProductDomainsTable } from '../schema'
import type { Updateable } from 'kysely'

/** A product's domain rules, primary first, then in the order they were added. */
export async function listDomains(ex: Executor, productId: string): Promise<ProductDomain[]> {
  return ex
    .selectFrom('product_domains')
    .selectAll()
    .where('product_id', '=', productId)
    .orderBy('is_primary', 'desc')
    .orderBy('created_at')
    .orderBy('domain')
    .execute()
}

export async function findDomain(
  ex: Executor,
  productId: string,
  id: string,
): Promise<ProductDomain | undefined> {
  return ex
    .selectFrom('product_domains')
    .selectAll()
    .where('product_id', '=', productId)
    .where('id', '=', id)
    .executeTakeFirst()
}

export async function insertDomain(ex: Executor, row: ProductDomain): Promise<void> {
  await ex.insertInto('product_domains').values(row).execute()
}

export async function updateDomain(
  ex: Executor,
  id: string,
  patch: Updateable<ProductDomainsTable>,
): Promise<void> {
  await ex.updateTable('product_domains').set(patch).where('id', '=', id).execute()
}

/** Only one primary domain per product: clears the flag on the others. */
export async function clearPrimary(ex: Executor, productId: string, except: string): Promise<void> {
  await ex
    .updateTable('product_domains')
    .set({ is_primary: 0 })
    .where('product_id', '=', productId)
    .where('id', '!=', except)
    .execute()
}

export async function deleteDomain(ex: Executor, productId: string, id: string): Promise<boolean> {
  const r = await ex
    .deleteFrom('product_domains')
    .where('product_id', '=', productId)
    .where('id', '=', id)
    .executeTakeFirst()
  return Number(r.numDeletedRows) > 0
}

/** The payment state of a product (0007), for the store's paid orders and explicit updates. */
export async function setProductPaid(
  ex: Executor,
  productId: string,
  paid: boolean,
  now: string,
): Promise<boolean> {
  const r = await ex
    .updateTable('products')
    .set({ has_paid: paid ? 1 : 0, updated_at: now })
    .where('id', '=', productId)
    .executeTakeFirst()
  return Number(r.numUpdatedRows) > 0
}

/** The environment a license runs in. */
export async function licenseEnvironment(
  ex: Executor,
  licenseId: string,
): Promise<string | undefined> {
  const r = await ex
    .selectFrom('licenses')
    .select('environment')
    .where('id', '=', licenseId)
    .executeTakeFirst()
  return r?.environment
}

/**
 * A runtime check seen on a bound machine: when, from where, and the environment it ran in
 * (the console's license drawer shows them; the engine's validate itself writes nothing).
 */
export async function seeMachine(
  ex: Executor,
  machineId: string,
  seen: { environment: string; ip: string | null; now: string },
): Promise<void> {
  await ex
    .updateTable('machines')
    .set({ environment: seen.environment, ip: seen.ip, last_seen_at: seen.now })
    .where('id', '=', machineId)
    .execute()
}
