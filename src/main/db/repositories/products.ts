import { sql } from 'kysely'
import { dialectSql } from '../dialects'
import type { Db } from '../connection'
import type { NewProduct, Product, ProductUpdate } from '../schema'

export async function insertProduct(db: Db, row: NewProduct): Promise<Product> {
  return db.insertInto('products').values(row).returningAll().executeTakeFirstOrThrow()
}

export async function findProduct(db: Db, id: string): Promise<Product | undefined> {
  return db.selectFrom('products').selectAll().where('id', '=', id).executeTakeFirst()
}

export async function findProductByNum(db: Db, num: number): Promise<Product | undefined> {
  return db.selectFrom('products').selectAll().where('num', '=', num).executeTakeFirst()
}

export async function findProductBySecretHash(db: Db, hash: string): Promise<Product | undefined> {
  return db
    .selectFrom('products')
    .selectAll()
    .where('secret_key_hash', '=', hash)
    .executeTakeFirst()
}

export interface ProductFilter {
  ownerId?: string
  q?: string
}

export async function listProducts(
  db: Db,
  f: ProductFilter,
): Promise<(Product & { license_count: number })[]> {
  let q = db
    .selectFrom('products')
    .selectAll('products')
    .select((eb) =>
      eb
        .selectFrom('licenses')
        .whereRef('licenses.product_id', '=', 'products.id')
        .select(eb.fn.countAll<number>().as('n'))
        .as('license_count'),
    )
  if (f.ownerId) q = q.where('owner_id', '=', f.ownerId)
  // Any case on both dialects (SQLite's LIKE already ignores ASCII case; PostgreSQL's does not).
  if (f.q) q = q.where(dialectSql(db).ilike(sql.ref('products.name'), `%${escapeLike(f.q)}%`))
  const rows = await q.orderBy('created_at', 'desc').orderBy('num', 'desc').execute()
  return rows.map((r) => ({ ...r, license_count: Number(r.license_count ?? 0) }))
}

export async function updateProduct(
  db: Db,
  id: string,
  patch: ProductUpdate,
): Promise<Product | undefined> {
  return db
    .updateTable('products')
    .set(patch)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst()
}

export async function deleteProduct(db: Db, id: string): Promise<boolean> {
  const r = await db.deleteFrom('products').where('id', '=', id).executeTakeFirst()
  return Number(r.numDeletedRows) > 0
}

/** Escapes LIKE wildcards so user text matches literally (used with ESCAPE '\'). */
export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => '\\' + c)
}
