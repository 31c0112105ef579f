import { sql } from 'kysely'
import type { Executor } from '../types'
import type { LicenseStatus, LicenseType } from '../schema'
import { dialectOf, dialectSql } from '../dialects'
import { prepared } from '../prepared'

/** A license with what the engine decides on: its product's state and policy, in one read. */
export interface LicenseCheckRow {
  id: string
  product_id: string
  key: string
  type: LicenseType
  status: LicenseStatus
  status_reason: string | null
  max_uses: number
  hwid_locked: number
  max_sessions: number | null
  expires_at: string | null
  metadata: string
  level: number
  /** The license's policy override JSON (null: none). */
  license_policy: string | null
  product_num: number
  product_active: number
  product_policy: string
  product_secret: string
  product_owner: string | null
  /**
   * SQLite: the license rows' version as of this read (migration 0015; the same statement, so
   * the same snapshot). PostgreSQL: null (no such version; see licenseRowsVersion).
   */
  rows_version: number | null
}

/**
 * Two primary-key lookups rather than one JOIN: on a 1M-license table the JOIN costs ~4x as
 * much per call (measured with `npm run bench`, where this read was a quarter of validate's
 * CPU; still ~4x in SQLite alone). Same result: undefined unless both the license and its
 * product exist.
 *
 * `lock` (inside a writing operation's transaction): the license row is locked for the rest of
 * the transaction, so that the decisions of one license run one at a time (dialect `forUpdate`).
 */
const licenseForCheck = (ex: Executor, key: string) =>
  ex
    .selectFrom('licenses')
    .select([
      'id',
      'product_id',
      'key',
      'type',
      'status',
      'status_reason',
      'max_uses',
      'hwid_locked',
      'max_sessions',
      'expires_at',
      'metadata',
      'level',
      'policy as license_policy',
      (eb) =>
        eb
          .selectFrom('license_rows_version')
          .select('version')
          .where('id', '=', 1)
          .as('rows_version'),
    ])
    .where('key', '=', key)
const findLicense = prepared(licenseForCheck)
const findLicenseLocked = prepared((ex: Executor, key: string) =>
  dialectSql(ex).forUpdate(licenseForCheck(ex, key)),
)
const findProductForCheck = prepared((ex: Executor, id: string) =>
  ex
    .selectFrom('products')
    .select([
      'num as product_num',
      'is_active as product_active',
      'policy as product_policy',
      'secret_key as product_secret',
      'owner_id as product_owner',
    ])
    .where('id', '=', id),
)

async function readLicenseForCheck(
  ex: Executor,
  key: string,
  lock: boolean,
): Promise<LicenseCheckRow | undefined> {
  const license = (await (lock ? findLicenseLocked : findLicense)(ex, key)).rows[0]
  if (!license) return undefined
  const product = (await findProductForCheck(ex, license.product_id)).rows[0]
  return product ? { ...license, ...product } : undefined
}

/** How many license reads each SQLite store keeps (the hot set of installed apps). */
const LICENSES_KEPT = 4_096

/** A store's kept license reads, by key, and the key of each kept license by its id. */
interface KeptLicenses {
  byKey: Map<string, LicenseCheckRow>
  keyById: Map<string, string>
}
const keptLicenses = new WeakMap<object, KeptLicenses>()

/** The store's kept reads, where reads may be kept (SQLite, outside a transaction); else null. */
function keptOf(ex: Executor): KeptLicenses | null {
  if (ex.isTransaction || dialectOf(ex) !== 'sqlite') return null
  const store = ex.getExecutor().adapter
  let kept = keptLicenses.get(store)
  if (!kept) keptLicenses.set(store, (kept = { byKey: new Map(), keyById: new Map() }))
  return kept
}

/** The kept read of `key` when the license rows' version is still the one it carries. */
async function keptHit(
  ex: Executor,
  kept: KeptLicenses,
  key: string,
): Promise<LicenseCheckRow | undefined> {
  const hit = kept.byKey.get(key)
  if (!hit || hit.rows_version !== (await licenseRowsVersion(ex))) return undefined
  kept.byKey.delete(key) // re-insert: Map order doubles as recency order
  kept.byKey.set(key, hit)
  return { ...hit }
}

function keep(kept: KeptLicenses, key: string, row: LicenseCheckRow | undefined): void {
  const before = kept.byKey.get(key)
  if (before) {
    kept.byKey.delete(key)
    kept.keyById.delete(before.id)
  }
  if (row?.rows_version == null) return
  kept.byKey.set(key, row)
  kept.keyById.set(row.id, key)
  if (kept.byKey.size > LICENSES_KEPT) {
    const [oldest, dropped] = kept.byKey.entries().next().value as [string, LicenseCheckRow]
    kept.byKey.delete(oldest)
    kept.keyById.delete(dropped.id)
  }
}

/**
 * The license of `key` and its product (undefined unless both exist).
 *
 * SQLite, outside a transaction: answered from the store's kept reads when the license rows'
 * version (migration 0015) is still the one the kept read carries, so a hot license costs one
 * read of a one-row table instead of two lookups in tables of a million rows (with
 * `serve --workers N` every commit of another worker empties this connection's page cache, so
 * those lookups read their pages again). Only reads outside a transaction are kept: they saw
 * committed rows, and a committed version is never seen again with other rows (it only grows),
 * whereas a version moved inside a transaction that rolls back would come again. Each answer
 * is a copy, so a caller cannot change what is kept.
 */
export async function findLicenseForCheck(
  ex: Executor,
  key: string,
  opts: { lock?: boolean } = {},
): Promise<LicenseCheckRow | undefined> {
  const kept = opts.lock ? null : keptOf(ex)
  if (!kept) return readLicenseForCheck(ex, key, opts.lock === true)
  const hit = await keptHit(ex, kept, key)
  if (hit) return hit
  const row = await readLicenseForCheck(ex, key, false)
  keep(kept, key, row)
  return row && { ...row }
}

const licenseKey = prepared((ex: Executor, id: string) =>
  ex.selectFrom('licenses').select('key').where('id', '=', id),
)

/**
 * The license with this id and its product (SellRealm check_session goes from a session to its
 * license), kept like findLicenseForCheck: a hot license's key by its id is not read again.
 */
export async function findLicenseForCheckById(
  ex: Executor,
  id: string,
): Promise<LicenseCheckRow | undefined> {
  const kept = keptOf(ex)
  const keptKey = kept?.keyById.get(id)
  if (kept && keptKey !== undefined) {
    const hit = await keptHit(ex, kept, keptKey)
    if (hit?.id === id) return hit
  }
  const key = (await licenseKey(ex, id)).rows[0]?.key
  if (key === undefined) return undefined
  const row = await findLicenseForCheck(ex, key)
  return row?.id === id ? row : undefined
}

const rowsVersion = prepared((ex: Executor) =>
  ex.selectFrom('license_rows_version').select('version').where('id', '=', 1),
)

/**
 * The license rows' version now: SQLite triggers move it on every update or delete of a
 * license or product (migration 0015). Equal to a row's `rows_version` means that row, and its
 * product, are what a read now would return. Null where there is no such version: always on
 * PostgreSQL, whose writers re-read under a row lock instead (its table is empty there, and no
 * trigger would move a row put into it).
 */
export async function licenseRowsVersion(ex: Executor): Promise<number | null> {
  if (dialectOf(ex) !== 'sqlite') return null
  const row = (await rowsVersion(ex)).rows[0]
  return row ? Number(row.version) : null
}

/**
 * Moves the license rows' version past `before` (SQLite: after a restore replaced the file's
 * pages, the version among them), so that a license read before is read again.
 */
export async function moveLicenseRowsVersionPast(ex: Executor, before: number): Promise<void> {
  await ex
    .updateTable('license_rows_version')
    .set({ version: sql<number>`MAX(version, ${before}) + 1` })
    .where('id', '=', 1)
    .execute()
}

export interface ProductSecretRow {
  id: string
  num: number
  is_active: number
  secret_key: string
  policy: string
}

const productSecret = prepared((ex: Executor, id: string) =>
  ex
    .selectFrom('products')
    .select(['id', 'num', 'is_active', 'secret_key', 'policy'])
    .where('id', '=', id),
)

export async function findProductSecret(
  ex: Executor,
  id: string,
): Promise<ProductSecretRow | undefined> {
  return (await productSecret(ex, id)).rows[0]
}

/** How many machines a license has bound. */
const machineCount = prepared((ex: Executor, licenseId: string) =>
  ex
    .selectFrom('machines')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('license_id', '=', licenseId),
)

export async function countMachines(ex: Executor, licenseId: string): Promise<number> {
  return Number((await machineCount(ex, licenseId)).rows[0]!.n)
}

/**
 * How many machines other than `hwid` hold a live session at `now` (not revoked, not expired,
 * heard from since `silentSince`). Walks the license's sessions through sessions_license.
 */
export async function countLiveMachines(
  ex: Executor,
  licenseId: string,
  now: string,
  silentSince: string,
  exceptHwid: string,
): Promise<number> {
  const r = await ex
    .selectFrom('sessions')
    .select((eb) => eb.fn.count<number>('machine_id').distinct().as('n'))
    .where('license_id', '=', licenseId)
    .where('expires_at', '>', now)
    .where('revoked_at', 'is', null)
    .where('last_seen_at', '>', silentSince)
    .where('machine_id', 'is not', null)
    .where('hwid', 'is distinct from', exceptHwid)
    .executeTakeFirstOrThrow()
  return Number(r.n)
}

/** Machines of a license without a live session (their slot may be reclaimed). */
export async function silentMachines(
  ex: Executor,
  licenseId: string,
  now: string,
  silentSince: string,
): Promise<{ id: string }[]> {
  return ex
    .selectFrom('machines as m')
    .select('m.id')
    .where('m.license_id', '=', licenseId)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('sessions as s')
            .select('s.id')
            .whereRef('s.machine_id', '=', 'm.id')
            .where('s.revoked_at', 'is', null)
            .where('s.expires_at', '>', now)
            .where('s.last_seen_at', '>', silentSince),
        ),
      ),
    )
    .execute()
}

export interface MachineSeen {
  id: string
  licenseId: string
  hwid: string
  platform: string | null
  osVersion: string | null
  /** The app version the client reported (activation client data); kept when absent. */
  appVersion?: string | null
  ip: string | null
  now: string
  /** Its seat as the policy marks a machine heard from now (services/licensing/policy seatMark). */
  mark: SeatMarkColumns
}

/** The seat columns an activation or heartbeat writes (migration 0009). */
export interface SeatMarkColumns {
  seat: 'held' | null
  seat_dead_at: string | null
  seat_bury_at: string | null
}

/** Binds the machine (or refreshes it when already bound); returns its id. */
// Every activation writes its machine: compiled once (prepared), its columns in this order.
const upsert = prepared(
  (
    ex: Executor,
    id: string,
    licenseId: string,
    hwid: string,
    platform: string | null,
    osVersion: string | null,
    appVersion: string | null,
    ip: string | null,
    now: string,
    seat: 'held' | null,
    seatDeadAt: string | null,
    seatBuryAt: string | null,
  ) =>
    ex
      .insertInto('machines')
      .values({
        id,
        license_id: licenseId,
        hwid,
        platform,
        os_version: osVersion,
        app_version: appVersion,
        ip,
        first_seen_at: now,
        last_seen_at: now,
        seat,
        seat_dead_at: seatDeadAt,
        seat_bury_at: seatBuryAt,
      })
      .onConflict((oc) =>
        oc.columns(['license_id', 'hwid']).doUpdateSet((eb) => ({
          platform: eb.fn.coalesce('excluded.platform', 'machines.platform'),
          os_version: eb.fn.coalesce('excluded.os_version', 'machines.os_version'),
          app_version: eb.fn.coalesce('excluded.app_version', 'machines.app_version'),
          ip: eb.ref('excluded.ip'),
          last_seen_at: eb.ref('excluded.last_seen_at'),
          seat: eb.ref('excluded.seat'),
          seat_dead_at: eb.ref('excluded.seat_dead_at'),
          seat_bury_at: eb.ref('excluded.seat_bury_at'),
        })),
      )
      .returning('id'),
)

export async function upsertMachine(ex: Executor, m: MachineSeen): Promise<string> {
  const r = await upsert(
    ex,
    m.id,
    m.licenseId,
    m.hwid,
    m.platform,
    m.osVersion,
    m.appVersion ?? null,
    m.ip,
    m.now,
    m.mark.seat,
    m.mark.seat_dead_at,
    m.mark.seat_bury_at,
  )
  return r.rows[0]!.id
}

/** A bound machine with its seat (migration 0009). */
export interface BoundMachine {
  id: string
  seat: 'held' | 'freed' | null
  seat_bury_at: string | null
}

const machineQuery = (ex: Executor, licenseId: string, hwid: string) =>
  ex
    .selectFrom('machines')
    .select(['id', 'seat', 'seat_bury_at'])
    .where('license_id', '=', licenseId)
    .where('hwid', '=', hwid)
const machineOf = prepared(machineQuery)
const machineOfLocked = prepared((ex: Executor, licenseId: string, hwid: string) =>
  dialectSql(ex).forUpdate(machineQuery(ex, licenseId, hwid)),
)

/**
 * The machine bound with this HWID, if any. `lock` (a heartbeat's transaction): its row stays
 * locked until commit, so culling (which skips locked rows) cannot free the seat the heartbeat
 * is keeping between the read and the write.
 */
export async function findMachine(
  ex: Executor,
  licenseId: string,
  hwid: string,
  opts: { lock?: boolean } = {},
): Promise<BoundMachine | undefined> {
  return (await (opts.lock ? machineOfLocked : machineOf)(ex, licenseId, hwid)).rows[0]
}

const touch = prepared(
  (
    ex: Executor,
    id: string,
    ip: string | null,
    now: string,
    seat: 'held' | null,
    deadAt: string | null,
    buryAt: string | null,
  ) =>
    ex
      .updateTable('machines')
      .set({
        last_seen_at: now,
        last_heartbeat_at: now,
        ip,
        seat,
        seat_dead_at: deadAt,
        seat_bury_at: buryAt,
      })
      .where('id', '=', id),
)

/** A heartbeat: the machine was heard from now, and its seat is marked again. */
export async function touchMachine(
  ex: Executor,
  id: string,
  ip: string | null,
  now: string,
  mark: SeatMarkColumns,
): Promise<void> {
  await touch(ex, id, ip, now, mark.seat, mark.seat_dead_at, mark.seat_bury_at)
}

export async function deleteMachine(ex: Executor, id: string): Promise<void> {
  await ex.deleteFrom('machines').where('id', '=', id).execute()
}
