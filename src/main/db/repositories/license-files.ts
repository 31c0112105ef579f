import type { Selectable } from 'kysely'
import type { Executor } from '../types'
import type { LicenseFilesTable } from '../schema'

export type LicenseFileRow = Selectable<LicenseFilesTable>

export async function insertLicenseFile(ex: Executor, row: LicenseFileRow): Promise<void> {
  await ex.insertInto('license_files').values(row).execute()
}

/** A license's files, newest first (at most `limit`). */
export async function listLicenseFiles(
  ex: Executor,
  licenseId: string,
  limit = 100,
): Promise<LicenseFileRow[]> {
  return ex
    .selectFrom('license_files')
    .selectAll()
    .where('license_id', '=', licenseId)
    .orderBy('issued_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute()
}

/** Marks one file revoked (once: a second revocation keeps the first time and reason). */
export async function revokeLicenseFile(
  ex: Executor,
  licenseId: string,
  fileId: string,
  at: string,
  reason: string | null,
): Promise<boolean> {
  const r = await ex
    .updateTable('license_files')
    .set({ revoked_at: at, revoked_reason: reason })
    .where('id', '=', fileId)
    .where('license_id', '=', licenseId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst()
  return Number(r.numUpdatedRows) > 0
}

export async function findLicenseFile(
  ex: Executor,
  licenseId: string,
  fileId: string,
): Promise<LicenseFileRow | undefined> {
  return ex
    .selectFrom('license_files')
    .selectAll()
    .where('id', '=', fileId)
    .where('license_id', '=', licenseId)
    .executeTakeFirst()
}

/** One row of the revocation list's sources: an unexpired file and its license's state now. */
export interface RevocationSource {
  file_id: string
  license_id: string
  revoked_at: string | null
  revoked_reason: string | null
  /** null: the license was deleted. */
  license_status: string | null
  license_updated_at: string | null
}

/**
 * Unexpired files that no longer stand: revoked by hand, or whose license is now banned,
 * suspended, expired by hand or deleted. Expired files are left out (an app refuses them
 * anyway), which keeps the list short.
 */
export async function revocationSources(ex: Executor, now: string): Promise<RevocationSource[]> {
  return ex
    .selectFrom('license_files as f')
    .leftJoin('licenses as l', 'l.id', 'f.license_id')
    .select([
      'f.id as file_id',
      'f.license_id',
      'f.revoked_at',
      'f.revoked_reason',
      'l.status as license_status',
      'l.updated_at as license_updated_at',
    ])
    .where('f.expires_at', '>', now)
    .where((eb) =>
      eb.or([
        eb('f.revoked_at', 'is not', null),
        eb('l.id', 'is', null),
        eb('l.status', 'in', ['banned', 'suspended', 'expired']),
      ]),
    )
    .orderBy('f.issued_at')
    .limit(10_000)
    .execute()
}

/** The public key recorded for `alg`, if any. */
export async function recordedSigningKey(ex: Executor, alg: string): Promise<string | null> {
  const r = await ex
    .selectFrom('signing_keys')
    .select('public_pem')
    .where('alg', '=', alg)
    .executeTakeFirst()
  return r?.public_pem ?? null
}

/** Records the key for `alg` unless one is recorded; returns the one recorded now. */
export async function recordSigningKey(
  ex: Executor,
  alg: string,
  publicPem: string,
  at: string,
): Promise<string> {
  await ex
    .insertInto('signing_keys')
    .values({ alg, public_pem: publicPem, created_at: at })
    .onConflict((oc) => oc.column('alg').doNothing())
    .execute()
  return (await recordedSigningKey(ex, alg)) ?? publicPem
}

/** Forgets the recorded key (a deliberate `--reset-identity`). */
export async function forgetSigningKey(ex: Executor, alg: string): Promise<void> {
  await ex.deleteFrom('signing_keys').where('alg', '=', alg).execute()
}
