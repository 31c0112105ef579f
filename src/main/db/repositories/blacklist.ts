import type { Db } from '../connection'
import type { BlacklistTable } from '../schema'
import type { Selectable, Insertable } from 'kysely'
import { sql } from 'kysely'
import { dialectSql } from '../dialects'

export type BlacklistRow = Selectable<BlacklistTable>
export type NewBlacklistRow = Insertable<BlacklistTable>
export type BlacklistType = BlacklistTable['type']

export interface BlacklistFilter {
  type?: BlacklistType
  severity?: BlacklistTable['severity']
  /** true = active and not expired at `now`; false = deactivated or expired. */
  isActive?: boolean
  source?: 'manual' | 'detection'
  q?: string
}

/** One page of entries, newest first. */
export async function listBlacklist(
  db: Db,
  f: BlacklistFilter,
  now: string,
  page: number,
  limit: number,
): Promise<{ rows: BlacklistRow[]; total: number }> {
  let q = db.selectFrom('blacklist')
  if (f.type) q = q.where('type', '=', f.type)
  if (f.severity) q = q.where('severity', '=', f.severity)
  if (f.source) q = q.where('source', '=', f.source)
  if (f.q) {
    const like = `%${f.q.replace(/[\\%_]/g, (c) => '\\' + c)}%`
    q = q.where(dialectSql(db).ilike(sql.ref('value'), like))
  }
  if (f.isActive === true) {
    q = q
      .where('is_active', '=', 1)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
  } else if (f.isActive === false) {
    q = q.where((eb) => eb.or([eb('is_active', '=', 0), eb('expires_at', '<=', now)]))
  }
  const [rows, count] = await Promise.all([
    q
      .selectAll()
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .limit(limit)
      .offset((page - 1) * limit)
      .execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ])
  return { rows, total: Number(count.n) }
}

/** Every entry that blocks at `now` (active, not expired): the security cache's source. */
export async function listActiveBlacklist(db: Db, now: string): Promise<BlacklistRow[]> {
  return db
    .selectFrom('blacklist')
    .selectAll()
    .where('is_active', '=', 1)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .execute()
}

export async function countActiveBlacklist(db: Db, now: string): Promise<number> {
  const r = await db
    .selectFrom('blacklist')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('is_active', '=', 1)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .executeTakeFirstOrThrow()
  return Number(r.n)
}

export async function findBlacklistEntry(db: Db, id: string): Promise<BlacklistRow | undefined> {
  return db.selectFrom('blacklist').selectAll().where('id', '=', id).executeTakeFirst()
}

/** Entries by id (missing ones are left out). */
export async function findBlacklistEntries(db: Db, ids: string[]): Promise<BlacklistRow[]> {
  if (ids.length === 0) return []
  return db.selectFrom('blacklist').selectAll().where('id', 'in', ids).execute()
}

/** The active, unexpired entry for exactly this type and value, if any. */
export async function findActiveEntry(
  db: Db,
  type: BlacklistType,
  value: string,
  now: string,
): Promise<BlacklistRow | undefined> {
  return db
    .selectFrom('blacklist')
    .selectAll()
    .where('type', '=', type)
    .where('value', '=', value)
    .where('is_active', '=', 1)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .executeTakeFirst()
}

export async function insertBlacklistEntry(db: Db, row: NewBlacklistRow): Promise<void> {
  await db.insertInto('blacklist').values(row).execute()
}

/** Extends an entry's expiry (a repeated temporary block) and re-activates it. */
export async function extendBlacklistEntry(
  db: Db,
  id: string,
  expiresAt: string | null,
  reason: string,
): Promise<void> {
  await db
    .updateTable('blacklist')
    .set({ expires_at: expiresAt, reason, is_active: 1 })
    .where('id', '=', id)
    .execute()
}

export async function setBlacklistActive(db: Db, id: string, active: boolean): Promise<number> {
  const r = await db
    .updateTable('blacklist')
    .set({ is_active: active ? 1 : 0 })
    .where('id', '=', id)
    .executeTakeFirst()
  return Number(r.numUpdatedRows)
}

export async function deleteBlacklistEntry(db: Db, id: string): Promise<number> {
  const r = await db.deleteFrom('blacklist').where('id', '=', id).executeTakeFirst()
  return Number(r.numDeletedRows)
}
