import { sql, type RawBuilder } from 'kysely'
import type { Executor } from '../connection'
import { dialectSql, type DialectSql } from '../dialects'
import type { Severity } from '../schema'

/**
 * Aggregates for the console dashboard. These run on every dashboard refresh and scan big
 * tables, so they stay as plain, index-friendly SQL (the `sql` template; what differs between
 * dialects, JSON fields, day grouping and SQLite's index hints, comes from dialectSql).
 */

// The engine records every validation, on every protocol, as `license_validation` (blocked = 1
// when refused); a refused validation may instead carry its own type (hwid_mismatch) with the
// operation in its details. Exact types let the database count from the (type, created_at)
// index instead of scanning the event log. (Activations and revenue: figures.ts.)
const validation = (d: DialectSql) =>
  sql`(type = 'license_validation' OR (type = 'hwid_mismatch' AND ${d.jsonText(sql.ref('details'), 'operation')} = 'license_validation'))`
// Security events: what the security module records (detections, blacklist hits, failed
// logins, rejected signatures) and anything blocked; not routine notices such as license.expired.
const SECURITY = sql`(blocked = 1 OR (type >= 'security' AND type < 'securitz') OR type IN ('blacklist_hit', 'brute_force',
  'hwid_spoof_attempt', 'replay_attack', 'vm_detected', 'debugger_detected', 'session_hijack',
  'security_alert', 'hwid_mismatch', 'auth.login_failed', 'api_key.signature_rejected'))`

/**
 * Whose numbers: the whole installation (console, admins) or one account's products (a `user`).
 * Every aggregate below takes it as a required argument, so no query can leave it out.
 */
export type DashboardScope = { all: true } | { ownerId: string }

/** `AND <column> IN (the owner's products)`; nothing for the whole installation. */
function ofOwner(scope: DashboardScope, column = 'product_id'): RawBuilder<unknown> {
  return 'ownerId' in scope
    ? sql` AND ${sql.ref(column)} IN (SELECT id FROM products WHERE owner_id = ${scope.ownerId})`
    : sql``
}

async function rows<T>(ex: Executor, q: RawBuilder<T>): Promise<T[]> {
  return (await q.execute(ex)).rows
}

async function count(ex: Executor, q: RawBuilder<{ n: number }>): Promise<number> {
  return Number((await rows(ex, q))[0]?.n ?? 0)
}

export interface LicenseTotals {
  licenses: number
  active: number
  expired: number
  suspended: number
  banned: number
}

export async function licenseTotals(
  ex: Executor,
  now: string,
  scope: DashboardScope,
): Promise<LicenseTotals> {
  const o = ofOwner(scope)
  // Both read the (status, expires_at) index only: ~0.1 s at a million licenses, where one
  // pass over the table took over a second. "Expired" is stored or derived (active, past expiry).
  const byStatus = new Map(
    (
      await rows(
        ex,
        sql<{
          status: string
          n: number
        }>`SELECT status, count(*) AS n FROM licenses WHERE 1 = 1${o} GROUP BY status`,
      )
    ).map((r) => [r.status, Number(r.n)]),
  )
  const lapsed = await count(
    ex,
    sql`SELECT count(*) AS n FROM licenses WHERE status = 'active' AND expires_at <= ${now}${o}`,
  )
  const n = (s: string) => byStatus.get(s) ?? 0
  return {
    licenses: [...byStatus.values()].reduce((a, b) => a + b, 0),
    active: n('active') - lapsed,
    expired: n('expired') + lapsed,
    suspended: n('suspended'),
    banned: n('banned'),
  }
}

export async function productCount(ex: Executor, scope: DashboardScope): Promise<number> {
  return count(ex, sql`SELECT count(*) AS n FROM products WHERE 1 = 1${ofOwner(scope, 'id')}`)
}

export async function countValidationsSince(
  ex: Executor,
  since: string,
  scope: DashboardScope,
): Promise<number> {
  const v = validation(dialectSql(ex))
  return count(
    ex,
    sql`SELECT count(*) AS n FROM events WHERE created_at >= ${since} AND ${v}${ofOwner(scope)}`,
  )
}

/** Validations per UTC day since `since` (activations per day come from figures.ts). */
export async function dailyValidations(
  ex: Executor,
  since: string,
  scope: DashboardScope,
): Promise<{ day: string; n: number }[]> {
  const d = dialectSql(ex)
  const r = await rows(
    ex,
    sql<{ day: string; n: number }>`SELECT ${d.utcDay(sql.ref('created_at'))} AS day,
         count(*) AS n FROM events
       WHERE created_at >= ${since} AND ${validation(d)}${ofOwner(scope)} GROUP BY day`,
  )
  return r.map((x) => ({ day: x.day, n: Number(x.n) }))
}

export async function validationOutcomes(
  ex: Executor,
  since: string,
  scope: DashboardScope,
): Promise<{ outcome: string; count: number }[]> {
  const d = dialectSql(ex)
  const o = ofOwner(scope)
  const details = sql.ref('details')
  const type = d.unindexed(sql.ref('type'))
  const outcome = sql`coalesce(${d.jsonText(details, 'error_code')}, ${d.jsonText(details, 'code')}, 'refused')`
  // Refusals come from the small partial index of blocked events (named on SQLite: grouping by
  // type would otherwise tempt it into walking the type index);
  // "valid" is every license_validation (counted from the type index) minus the refused ones.
  const refused = await rows(
    ex,
    sql<{ type: string; outcome: string; count: number }>`SELECT ${type} AS type,
         ${outcome} AS outcome,
         count(*) AS count
       FROM ${d.tableVia('events', 'events_blocked')}
       WHERE blocked = 1 AND created_at >= ${since}
         AND (${type} = 'license_validation'
              OR (${type} = 'hwid_mismatch' AND ${d.jsonText(details, 'operation')} = 'license_validation'))${o}
       GROUP BY type, outcome`,
  )
  const all = await count(
    ex,
    sql`SELECT count(*) AS n FROM events WHERE type = 'license_validation' AND created_at >= ${since}${o}`,
  )
  const byOutcome = new Map<string, number>()
  for (const r of refused)
    byOutcome.set(r.outcome, (byOutcome.get(r.outcome) ?? 0) + Number(r.count))
  const refusedAsValidation = refused
    .filter((r) => r.type === 'license_validation')
    .reduce((n, r) => n + Number(r.count), 0)
  const valid = all - refusedAsValidation
  return [
    ...(valid > 0 ? [{ outcome: 'valid', count: valid }] : []),
    ...[...byOutcome].map(([outcome, count]) => ({ outcome, count })),
  ]
    .sort((x, y) => y.count - x.count)
    .slice(0, 12)
}

export async function severityCounts(
  ex: Executor,
  since: string,
  scope: DashboardScope,
): Promise<{ severity: Severity; count: number }[]> {
  const r = await rows(
    ex,
    sql<{ severity: Severity; count: number }>`SELECT severity, count(*) AS count FROM events
       WHERE created_at >= ${since} AND severity <> 'info' AND ${SECURITY}${ofOwner(scope)}
       GROUP BY severity`,
  )
  return r.map((x) => ({ severity: x.severity, count: Number(x.count) }))
}
