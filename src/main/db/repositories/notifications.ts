import type { ExpressionBuilder, Insertable } from 'kysely'
import { dialectSql } from '../dialects'
import type { Db } from '../connection'
import type { Database, NotificationsTable } from '../schema'

/**
 * Whose notifications a reader sees: their own (`accountId`), plus the installation-wide
 * ones (account_id null) when `withGlobal`.
 */
export interface NotificationReader {
  accountId: string | null
  withGlobal: boolean
}

function visible(r: NotificationReader) {
  return (eb: ExpressionBuilder<Database, 'notifications'>) => {
    const ors = []
    if (r.accountId) ors.push(eb('account_id', '=', r.accountId))
    if (r.withGlobal) ors.push(eb('account_id', 'is', null))
    return eb.or(ors)
  }
}

export async function insertNotification(
  db: Db,
  row: Insertable<NotificationsTable>,
): Promise<void> {
  await db.insertInto('notifications').values(row).execute()
}

export async function listNotifications(
  db: Db,
  r: NotificationReader,
  o: { unreadOnly?: boolean; limit: number; offset: number },
) {
  let q = db.selectFrom('notifications').where(visible(r))
  if (o.unreadOnly) q = q.where('is_read', '=', 0)
  const [rows, count] = await Promise.all([
    q
      .selectAll()
      .orderBy('created_at', 'desc')
      .orderBy(dialectSql(db).notificationInsertOrder(), 'desc')
      .limit(o.limit)
      .offset(o.offset)
      .execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ])
  return { rows, total: Number(count.n) }
}

export async function countUnread(db: Db, r: NotificationReader): Promise<number> {
  const c = await db
    .selectFrom('notifications')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where(visible(r))
    .where('is_read', '=', 0)
    .executeTakeFirstOrThrow()
  return Number(c.n)
}

/** Marks one notification read if the reader may see it; false when it is not theirs. */
export async function markRead(db: Db, r: NotificationReader, id: string): Promise<boolean> {
  const res = await db
    .updateTable('notifications')
    .set({ is_read: 1 })
    .where('id', '=', id)
    .where(visible(r))
    .executeTakeFirst()
  return Number(res.numUpdatedRows) > 0
}

export async function markAllRead(db: Db, r: NotificationReader): Promise<number> {
  const res = await db
    .updateTable('notifications')
    .set({ is_read: 1 })
    .where(visible(r))
    .where('is_read', '=', 0)
    .executeTakeFirst()
  return Number(res.numUpdatedRows)
}
