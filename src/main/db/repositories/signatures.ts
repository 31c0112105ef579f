import type { Executor } from '../connection'

/** The kept signature of the string with this digest, if it has not expired. */
export async function findSignature(
  ex: Executor,
  digest: string,
  now: string,
): Promise<string | undefined> {
  const r = await ex
    .selectFrom('signatures')
    .select('signature')
    .where('digest', '=', digest)
    .where('expires_at', '>', now)
    .executeTakeFirst()
  return r?.signature
}

/** Keeps a signature (the first one kept for a digest stays: both are valid). */
export async function keepSignature(
  ex: Executor,
  row: { digest: string; signature: string; expires_at: string },
): Promise<void> {
  await ex
    .insertInto('signatures')
    .values(row)
    .onConflict((oc) => oc.column('digest').doNothing())
    .execute()
}

export async function purgeSignatures(ex: Executor, now: string): Promise<void> {
  await ex.deleteFrom('signatures').where('expires_at', '<=', now).execute()
}
