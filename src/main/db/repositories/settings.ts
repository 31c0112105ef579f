import type { Db } from '../connection'

/** Every stored setting as key -> raw JSON text. */
export async function allSettings(db: Db): Promise<Map<string, string>> {
  const rows = await db.selectFrom('settings').select(['key', 'value']).execute()
  return new Map(rows.map((r) => [r.key, r.value]))
}

export async function getSetting(db: Db, key: string): Promise<string | undefined> {
  const r = await db
    .selectFrom('settings')
    .select('value')
    .where('key', '=', key)
    .executeTakeFirst()
  return r?.value
}

export async function putSetting(db: Db, key: string, value: string, now: string): Promise<void> {
  await db
    .insertInto('settings')
    .values({ key, value, updated_at: now })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: now }))
    .execute()
}

/** Stores `value` unless the key exists; returns what is stored afterwards (first writer wins). */
export async function putSettingIfAbsent(
  db: Db,
  key: string,
  value: string,
  now: string,
): Promise<string> {
  await db
    .insertInto('settings')
    .values({ key, value, updated_at: now })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute()
  return (await getSetting(db, key))!
}
