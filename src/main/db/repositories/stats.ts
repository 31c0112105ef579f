import type { ExpressionBuilder } from 'kysely'
import type { Db } from '../connection'
import type { Database, EventRow } from '../schema'

/** Who the numbers are for: one owner's products (user accounts) or everything (admins). */
export interface StatsScope {
  ownerId?: string
  productId?: string
}

function productsOf(eb: ExpressionBuilder<Database, 'events' | 'licenses'>, ownerId: string) {
  return eb.selectFrom('products').select('products.id').where('products.owner_id', '=', ownerId)
}

export async function countProducts(db: Db, ownerId?: string): Promise<number> {
  let q = db.selectFrom('products').select((eb) => eb.fn.countAll<number>().as('n'))
  if (ownerId) q = q.where('owner_id', '=', ownerId)
  return Number((await q.executeTakeFirstOrThrow()).n)
}

export interface LicenseCounts {
  total: number
  active: number
  expired: number
  suspended: number
}

/** License counts by effective status at `now` (an active license past expires_at is expired). */
export async function licenseCounts(db: Db, now: string, s: StatsScope): Promise<LicenseCounts> {
  let q = db.selectFrom('licenses').select((eb) => [
    eb.fn.countAll<number>().as('total'),
    eb.fn
      .sum<number>(
        eb
          .case()
          .when(
            eb.and([
              eb('status', '=', 'active'),
              eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]),
            ]),
          )
          .then(1)
          .else(0)
          .end(),
      )
      .as('active'),
    eb.fn
      .sum<number>(
        eb
          .case()
          .when(
            eb.or([
              eb('status', '=', 'expired'),
              eb.and([eb('status', '=', 'active'), eb('expires_at', '<=', now)]),
            ]),
          )
          .then(1)
          .else(0)
          .end(),
      )
      .as('expired'),
    eb.fn
      .sum<number>(eb.case().when('status', '=', 'suspended').then(1).else(0).end())
      .as('suspended'),
  ])
  if (s.productId) q = q.where('licenses.product_id', '=', s.productId)
  if (s.ownerId) {
    const owner = s.ownerId
    q = q.where((eb) => eb('licenses.product_id', 'in', productsOf(eb, owner)))
  }
  const r = await q.executeTakeFirstOrThrow()
  return {
    total: Number(r.total ?? 0),
    active: Number(r.active ?? 0),
    expired: Number(r.expired ?? 0),
    suspended: Number(r.suspended ?? 0),
  }
}

/** Successful (not blocked) events of `type` since `since` (ISO; all time when omitted). */
export async function countEvents(
  db: Db,
  type: string,
  s: StatsScope,
  since?: string,
): Promise<number> {
  let q = db
    .selectFrom('events')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('type', '=', type)
    .where('blocked', '=', 0)
  if (since) q = q.where('created_at', '>=', since)
  if (s.productId) q = q.where('events.product_id', '=', s.productId)
  if (s.ownerId) {
    const owner = s.ownerId
    q = q.where((eb) => eb('events.product_id', 'in', productsOf(eb, owner)))
  }
  return Number((await q.executeTakeFirstOrThrow()).n)
}

/** The newest events that concern licenses in scope. */
export async function recentLicenseEvents(
  db: Db,
  limit: number,
  s: StatsScope,
): Promise<EventRow[]> {
  let q = db.selectFrom('events').selectAll().where('license_id', 'is not', null)
  if (s.ownerId) {
    const owner = s.ownerId
    q = q.where((eb) => eb('events.product_id', 'in', productsOf(eb, owner)))
  }
  return q.orderBy('id', 'desc').limit(limit).execute()
}
