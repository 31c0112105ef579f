import { sql } from 'kysely'
import type { Executor } from '../types'

/**
 * The topics whose in-memory caches every node checks before use. Each write to a topic's
 * tables bumps its version in the same transaction (`bumpVersion(trx, topic)`), so the
 * version moves exactly when the committed data does.
 */
export type ChangeTopic = 'blacklist' | 'settings' | 'apikeys' | 'policy'

/** Marks `topic` changed. Call with the `trx` that makes the change (commits with it). */
export async function bumpVersion(trx: Executor, topic: ChangeTopic): Promise<void> {
  await trx
    .insertInto('change_versions')
    .values({ topic, version: 1 })
    .onConflict((oc) =>
      oc.column('topic').doUpdateSet({ version: sql<number>`change_versions.version + 1` }),
    )
    .execute()
}

/** The topic's version (0 before its first change): one primary-key read. */
export async function readVersion(ex: Executor, topic: ChangeTopic): Promise<number> {
  const r = await ex
    .selectFrom('change_versions')
    .select('version')
    .where('topic', '=', topic)
    .executeTakeFirst()
  return r ? Number(r.version) : 0
}
