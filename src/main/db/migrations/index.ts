import type { Migration, MigrationProvider } from 'kysely/migration'
import type { DialectName } from '../types'
import * as m0001 from './0001_initial'
import * as m0002 from './0002_time_ordered_replay_guard'
import * as m0003 from './0003_license_search_rows_written_by_inserts'
import * as m0004 from './0004_secrets_sealed_at_rest'
import * as m0006 from './0006_shared_state'
import * as m0007 from './0007_devpayr'
import * as m0008 from './0008_hirez'
import * as m0009 from './0009_license_policies'
import * as m0010 from './0010_license_files'
import * as m0011 from './0011_webhook_secret_rotation'
import * as m0012 from './0012_signature_cache'
import * as m0014 from './0014_customer_notes_app_version'
import * as m0015 from './0015_license_rows_version'

/** A migration has one body per dialect; both bring the schema to the same shape. */
export type DialectMigration = Record<DialectName, Migration>

/**
 * Every migration, in order. A static list (not a folder scan) because the main process is
 * bundled: there is no migrations folder at run time. Add new files at the end; never
 * rename or edit a released one.
 */
export const migrations: Record<string, DialectMigration> = {
  '0001_initial': m0001,
  '0002_time_ordered_replay_guard': m0002,
  '0003_license_search_rows_written_by_inserts': m0003,
  '0004_secrets_sealed_at_rest': m0004,
  '0006_shared_state': m0006,
  '0007_devpayr': m0007,
  '0008_hirez': m0008,
  '0009_license_policies': m0009,
  '0010_license_files': m0010,
  '0011_webhook_secret_rotation': m0011,
  '0012_signature_cache': m0012,
  '0014_customer_notes_app_version': m0014,
  '0015_license_rows_version': m0015,
}

export function migrationProvider(dialect: DialectName): MigrationProvider {
  return {
    getMigrations: async () =>
      Object.fromEntries(Object.entries(migrations).map(([name, m]) => [name, m[dialect]])),
  }
}
