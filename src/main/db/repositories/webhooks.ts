import type { Insertable, Selectable, Updateable } from 'kysely'
import type { Db } from '../connection'
import type { Role, WebhooksTable } from '../schema'

export type WebhookRow = Selectable<WebhooksTable>
export type NewWebhookRow = Insertable<WebhooksTable>
export type WebhookPatch = Updateable<WebhooksTable>

/** A webhook with its owner's role (null owner = the installation). */
export type WebhookWithOwner = WebhookRow & { owner_role: Role | null }

export async function insertWebhook(db: Db, row: NewWebhookRow): Promise<void> {
  await db.insertInto('webhooks').values(row).execute()
}

export async function findWebhook(db: Db, id: string): Promise<WebhookWithOwner | undefined> {
  return db
    .selectFrom('webhooks')
    .leftJoin('accounts', 'accounts.id', 'webhooks.owner_id')
    .selectAll('webhooks')
    .select('accounts.role as owner_role')
    .where('webhooks.id', '=', id)
    .executeTakeFirst()
}

/** Webhooks visible to an owner (undefined = all), newest first, with delivery summaries. */
export async function listWebhooks(db: Db, ownerId: string | null | undefined) {
  let q = db.selectFrom('webhooks')
  if (ownerId !== undefined) {
    q = ownerId === null ? q.where('owner_id', 'is', null) : q.where('owner_id', '=', ownerId)
  }
  return q
    .selectAll('webhooks')
    .select((eb) => [
      eb
        .selectFrom('webhook_deliveries as d')
        .whereRef('d.webhook_id', '=', 'webhooks.id')
        .where('d.status', '=', 'pending')
        .select(eb.fn.countAll<number>().as('n'))
        .as('pending_deliveries'),
      eb
        .selectFrom('webhook_deliveries as d')
        .whereRef('d.webhook_id', '=', 'webhooks.id')
        .select('d.created_at')
        .orderBy('d.created_at', 'desc')
        .limit(1)
        .as('last_delivery_at'),
      eb
        .selectFrom('webhook_deliveries as d')
        .whereRef('d.webhook_id', '=', 'webhooks.id')
        .select('d.status')
        .orderBy('d.created_at', 'desc')
        .limit(1)
        .as('last_status'),
    ])
    .orderBy('created_at', 'desc')
    .execute()
}

export async function updateWebhook(db: Db, id: string, patch: WebhookPatch): Promise<void> {
  await db.updateTable('webhooks').set(patch).where('id', '=', id).execute()
}

export async function deleteWebhook(db: Db, id: string): Promise<number> {
  const r = await db.deleteFrom('webhooks').where('id', '=', id).executeTakeFirst()
  return Number(r.numDeletedRows)
}

/** Forgets rotated-out secrets whose overlap ended by `now`; the number of webhooks cleared. */
export async function clearExpiredPreviousSecrets(db: Db, now: string): Promise<number> {
  const r = await db
    .updateTable('webhooks')
    .set({ previous_secret: null, previous_secret_expires_at: null })
    .where('previous_secret_expires_at', '<=', now)
    .executeTakeFirst()
  return Number(r.numUpdatedRows)
}
