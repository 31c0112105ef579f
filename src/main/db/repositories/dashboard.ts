import type BetterSqlite3 from 'better-sqlite3'
import type { Severity } from '../schema'

/**
 * Aggregates for the console dashboard. Prepared statements on the raw connection: these run
 * on every dashboard refresh and scan big tables, so they stay as plain, index-friendly SQL.
 */

// The engine records every activation and validation, on every protocol, as `license_activation`
// and `license_validation` (blocked = 1 when refused); a refused validation may instead carry its
// own type (hwid_mismatch) with the operation in its details. Exact types let SQLite count from
// the (type, created_at) index instead of scanning the event log.
const ACTIVATION = `(type = 'license_activation' AND blocked = 0)`
const VALIDATION = `(type = 'license_validation' OR (type = 'hwid_mismatch' AND json_extract(details, '$.operation') = 'license_validation'))`
// Security events: what the security module records (detections, blacklist hits, failed
// logins, rejected signatures) and anything blocked; not routine notices such as license.expired.
const SECURITY = `(blocked = 1 OR (type >= 'security' AND type < 'securitz') OR type IN ('blacklist_hit', 'brute_force',
  'hwid_spoof_attempt', 'replay_attack', 'vm_detected', 'debugger_detected', 'session_hijack',
  'security_alert', 'hwid_mismatch', 'auth.login_failed', 'api_key.signature_rejected'))`

/**
 * Whose numbers: the whole installation (console, admins) or one account's products (a `user`).
 * Every aggregate below takes it as a required argument, so no query can leave it out.
 */
export type DashboardScope = { all: true } | { ownerId: string }

/** `AND <column> IN (the owner's products)` and its parameter; nothing for the whole installation. */
function ofOwner(scope: DashboardScope, column = 'product_id'): { sql: string; args: string[] } {
  return 'ownerId' in scope
    ? {
        sql: ` AND ${column} IN (SELECT id FROM products WHERE owner_id = ?)`,
        args: [scope.ownerId],
      }
    : { sql: '', args: [] }
}

export interface LicenseTotals {
  licenses: number
  active: number
  expired: number
  suspended: number
  banned: number
}

export function licenseTotals(
  sqlite: BetterSqlite3.Database,
  now: string,
  scope: DashboardScope,
): LicenseTotals {
  const o = ofOwner(scope)
  // Both read the (status, expires_at) index only: ~0.1 s at a million licenses, where one
  // pass over the table took over a second. "Expired" is stored or derived (active, past expiry).
  const byStatus = new Map(
    (
      sqlite
        .prepare(`SELECT status, count(*) AS n FROM licenses WHERE 1 = 1${o.sql} GROUP BY status`)
        .all(...o.args) as {
        status: string
        n: number
      }[]
    ).map((r) => [r.status, r.n]),
  )
  const lapsed = (
    sqlite
      .prepare(
        `SELECT count(*) AS n FROM licenses WHERE status = 'active' AND expires_at <= ?${o.sql}`,
      )
      .get(now, ...o.args) as { n: number }
  ).n
  const n = (s: string) => byStatus.get(s) ?? 0
  return {
    licenses: [...byStatus.values()].reduce((a, b) => a + b, 0),
    active: n('active') - lapsed,
    expired: n('expired') + lapsed,
    suspended: n('suspended'),
    banned: n('banned'),
  }
}

export function productCount(sqlite: BetterSqlite3.Database, scope: DashboardScope): number {
  const o = ofOwner(scope, 'id')
  return (
    sqlite.prepare(`SELECT count(*) AS n FROM products WHERE 1 = 1${o.sql}`).get(...o.args) as {
      n: number
    }
  ).n
}

export function countActivationsSince(
  sqlite: BetterSqlite3.Database,
  since: string,
  scope: DashboardScope,
): number {
  const o = ofOwner(scope)
  return (
    sqlite
      .prepare(`SELECT count(*) AS n FROM events WHERE created_at >= ? AND ${ACTIVATION}${o.sql}`)
      .get(since, ...o.args) as {
      n: number
    }
  ).n
}

export function countValidationsSince(
  sqlite: BetterSqlite3.Database,
  since: string,
  scope: DashboardScope,
): number {
  const o = ofOwner(scope)
  return (
    sqlite
      .prepare(`SELECT count(*) AS n FROM events WHERE created_at >= ? AND ${VALIDATION}${o.sql}`)
      .get(since, ...o.args) as {
      n: number
    }
  ).n
}

export function dailyActivity(
  sqlite: BetterSqlite3.Database,
  since: string,
  scope: DashboardScope,
): { date: string; activations: number; validations: number }[] {
  const o = ofOwner(scope)
  // Two grouped counts, each walking only its own types in the (type, created_at) index.
  const perDay = (where: string) =>
    sqlite
      .prepare(
        `SELECT substr(created_at, 1, 10) AS date, count(*) AS n FROM events
         WHERE created_at >= ? AND ${where}${o.sql} GROUP BY date`,
      )
      .all(since, ...o.args) as { date: string; n: number }[]
  const days = new Map<string, { date: string; activations: number; validations: number }>()
  const day = (date: string) =>
    days.get(date) ?? days.set(date, { date, activations: 0, validations: 0 }).get(date)!
  for (const r of perDay(ACTIVATION)) day(r.date).activations = r.n
  for (const r of perDay(VALIDATION)) day(r.date).validations = r.n
  return [...days.values()].sort((x, y) => x.date.localeCompare(y.date))
}

export function validationOutcomes(
  sqlite: BetterSqlite3.Database,
  since: string,
  scope: DashboardScope,
): { outcome: string; count: number }[] {
  const o = ofOwner(scope)
  // Refusals come from the small partial index of blocked events (named: grouping by type would
  // otherwise tempt SQLite into walking the type index);
  // "valid" is every license_validation (counted from the type index) minus the refused ones.
  const refused = sqlite
    .prepare(
      `SELECT +type AS type,
         coalesce(json_extract(details, '$.error_code'), json_extract(details, '$.code'), 'refused') AS outcome,
         count(*) AS count
       FROM events INDEXED BY events_blocked
       WHERE blocked = 1 AND created_at >= ?
         AND (+type = 'license_validation'
              OR (+type = 'hwid_mismatch' AND json_extract(details, '$.operation') = 'license_validation'))${o.sql}
       GROUP BY type, outcome`,
    )
    .all(since, ...o.args) as { type: string; outcome: string; count: number }[]
  const all = (
    sqlite
      .prepare(
        `SELECT count(*) AS n FROM events WHERE type = 'license_validation' AND created_at >= ?${o.sql}`,
      )
      .get(since, ...o.args) as { n: number }
  ).n
  const byOutcome = new Map<string, number>()
  for (const r of refused) byOutcome.set(r.outcome, (byOutcome.get(r.outcome) ?? 0) + r.count)
  const refusedAsValidation = refused
    .filter((r) => r.type === 'license_validation')
    .reduce((n, r) => n + r.count, 0)
  const valid = all - refusedAsValidation
  return [
    ...(valid > 0 ? [{ outcome: 'valid', count: valid }] : []),
    ...[...byOutcome].map(([outcome, count]) => ({ outcome, count })),
  ]
    .sort((x, y) => y.count - x.count)
    .slice(0, 12)
}

export function severityCounts(
  sqlite: BetterSqlite3.Database,
  since: string,
  scope: DashboardScope,
): { severity: Severity; count: number }[] {
  const o = ofOwner(scope)
  return sqlite
    .prepare(
      `SELECT severity, count(*) AS count FROM events
       WHERE created_at >= ? AND severity <> 'info' AND ${SECURITY}${o.sql} GROUP BY severity`,
    )
    .all(since, ...o.args) as { severity: Severity; count: number }[]
}

export function paidRevenue(
  sqlite: BetterSqlite3.Database,
  scope: DashboardScope,
): { cents: number; currency: string; orders: number } | null {
  const o = ofOwner(scope)
  const row = sqlite
    .prepare(
      `SELECT currency, sum(amount_cents) AS cents, count(*) AS orders FROM orders
       WHERE status = 'paid'${o.sql} GROUP BY currency ORDER BY cents DESC LIMIT 1`,
    )
    .get(...o.args) as { currency: string; cents: number; orders: number } | undefined
  return row ?? null
}

export function sqliteVersion(sqlite: BetterSqlite3.Database): string {
  return (sqlite.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v
}
