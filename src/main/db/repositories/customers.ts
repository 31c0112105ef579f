import type { Db } from '../connection'

/** The customer with this email for this owner, created on first sight. */
export async function findOrCreateCustomer(
  db: Db,
  ownerId: string | null,
  email: string,
  id: string,
  now: string,
): Promise<string> {
  const normalized = email.trim().toLowerCase()
  let q = db.selectFrom('customers').select('id').where('email', '=', normalized)
  q = ownerId === null ? q.where('owner_id', 'is', null) : q.where('owner_id', '=', ownerId)
  const existing = await q.executeTakeFirst()
  if (existing) return existing.id
  await db
    .insertInto('customers')
    .values({ id, owner_id: ownerId, email: normalized, name: null, created_at: now })
    .execute()
  return id
}
