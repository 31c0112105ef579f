import { sql } from 'kysely'
import type { Db } from '../connection'
import { dialectSql } from '../dialects'
import type { SecurityStatsDto, SessionDto } from '@shared/channels/security'

/** The security center's counts as its DTO has them (less the two the service adds). */
export type OverviewCounts = Omit<
  SecurityStatsDto['overview'],
  'active_blacklist' | 'active_sessions'
> &
  Omit<SecurityStatsDto, 'overview'>

/**
 * Counts for the security overview over security event types. `since` bounds the
 * per-type/severity breakdown and the daily trend; `todayStart` is 00:00 UTC today.
 */
export async function securityOverview(
  db: Db,
  types: readonly string[],
  todayStart: string,
  since: string,
  productIds?: string[],
): Promise<OverviewCounts> {
  const base = () => {
    // Info-level events are routine traffic (successful activations and validations).
    let q = db.selectFrom('events').where('type', 'in', types).where('severity', '<>', 'info')
    if (productIds) q = q.where('product_id', 'in', productIds.length ? productIds : [''])
    return q
  }
  const day = dialectSql(db).utcDay(sql.ref('created_at'))
  const [today, byType, bySeverity, trend] = await Promise.all([
    base()
      .where('created_at', '>=', todayStart)
      .select((eb) => [
        eb.fn.countAll<number>().as('total'),
        sql<number>`coalesce(sum(case when severity = 'critical' then 1 else 0 end), 0)`.as(
          'critical',
        ),
        sql<number>`coalesce(sum(blocked), 0)`.as('blocked'),
      ])
      .executeTakeFirstOrThrow(),
    base()
      .where('created_at', '>=', since)
      .select((eb) => ['type', eb.fn.countAll<number>().as('count')])
      .groupBy('type')
      .orderBy('count', 'desc')
      .execute(),
    base()
      .where('created_at', '>=', since)
      .select((eb) => ['severity', eb.fn.countAll<number>().as('count')])
      .groupBy('severity')
      .execute(),
    base()
      .where('created_at', '>=', since)
      .select((eb) => [
        day.as('date'),
        eb.fn.countAll<number>().as('total'),
        sql<number>`coalesce(sum(blocked), 0)`.as('blocked'),
        sql<number>`coalesce(sum(case when severity = 'critical' then 1 else 0 end), 0)`.as(
          'critical',
        ),
      ])
      .groupBy(day)
      .orderBy('date')
      .execute(),
  ])
  return {
    today_events: Number(today.total),
    critical_events: Number(today.critical),
    blocked_attempts: Number(today.blocked),
    events_by_type: byType.map((r) => ({ type: r.type, count: Number(r.count) })),
    events_by_severity: bySeverity.map((r) => ({ severity: r.severity, count: Number(r.count) })),
    daily_trend: trend.map((r) => ({
      date: r.date,
      total: Number(r.total),
      blocked: Number(r.blocked),
      critical: Number(r.critical),
    })),
  }
}

/** A session as the security center shows it (never the token or its hash): its DTO less what is derived. */
export type SessionView = Omit<SessionDto, 'is_active'>

export interface SessionFilter {
  licenseId?: string
  isActive?: boolean
  productIds?: string[]
}

/** The columns of a session as the security center shows it (with its license's key). */
const SESSION_VIEW_COLUMNS = [
  'sessions.id',
  'sessions.license_id',
  'licenses.key as license_key',
  'licenses.product_id',
  'sessions.machine_id',
  'sessions.protocol',
  'sessions.hwid',
  'sessions.ip',
  'sessions.user_agent',
  'sessions.created_at',
  'sessions.expires_at',
  'sessions.last_seen_at',
  'sessions.revoked_at',
  'sessions.revoked_reason',
] as const

export async function listSessions(
  db: Db,
  f: SessionFilter,
  now: string,
  page: number,
  limit: number,
): Promise<{ rows: SessionView[]; total: number }> {
  let q = db.selectFrom('sessions').leftJoin('licenses', 'licenses.id', 'sessions.license_id')
  if (f.licenseId) q = q.where('sessions.license_id', '=', f.licenseId)
  if (f.productIds)
    q = q.where('licenses.product_id', 'in', f.productIds.length ? f.productIds : [''])
  if (f.isActive === true) {
    q = q.where('sessions.revoked_at', 'is', null).where('sessions.expires_at', '>', now)
  } else if (f.isActive === false) {
    q = q.where((eb) =>
      eb.or([eb('sessions.revoked_at', 'is not', null), eb('sessions.expires_at', '<=', now)]),
    )
  }
  const [rows, count] = await Promise.all([
    q
      .select(SESSION_VIEW_COLUMNS)
      .orderBy('sessions.last_seen_at', 'desc')
      .limit(limit)
      .offset((page - 1) * limit)
      .execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ])
  return { rows, total: Number(count.n) }
}

export async function findSession(
  db: Db,
  id: string,
): Promise<(SessionView & { product_id: string | null }) | undefined> {
  return db
    .selectFrom('sessions')
    .leftJoin('licenses', 'licenses.id', 'sessions.license_id')
    .select(SESSION_VIEW_COLUMNS)
    .where('sessions.id', '=', id)
    .executeTakeFirst()
}

export async function countActiveSessions(
  db: Db,
  now: string,
  productIds?: string[],
): Promise<number> {
  let q = db
    .selectFrom('sessions')
    .where('sessions.revoked_at', 'is', null)
    .where('sessions.expires_at', '>', now)
  if (productIds) {
    q = q
      .innerJoin('licenses', 'licenses.id', 'sessions.license_id')
      .where('licenses.product_id', 'in', productIds.length ? productIds : [''])
  }
  const r = await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
  return Number(r.n)
}

/** Revokes one session if still open; returns whether it was. */
export async function revokeSession(
  db: Db,
  id: string,
  reason: string,
  now: string,
): Promise<boolean> {
  const r = await db
    .updateTable('sessions')
    .set({ revoked_at: now, revoked_reason: reason })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst()
  return Number(r.numUpdatedRows) > 0
}

export interface IncidentRow {
  rule: string
  source_type: string
  source: string | null
  count: number
  blocked: number
  severity: number
  first_seen: string
  last_seen: string
  entry_id: string | null
}

/**
 * Security events grouped into incidents: one per rule (event type) and source, the source
 * being what the rule acted on (the blacklist entry's type for a hit, the subject of a
 * brute-force block, else the IP, then the HWID, then the license). Info-level events
 * (routine activations and validations) are not incidents. Newest first.
 */
export async function securityIncidents(
  db: Db,
  types: readonly string[],
  since: string,
  limit: number,
  productIds?: string[],
): Promise<IncidentRow[]> {
  const d = dialectSql(db)
  const details = sql.ref('details')
  const kind = sql`coalesce(${d.jsonText(details, 'subject')}, ${d.jsonText(details, 'type')},
      CASE WHEN ip IS NOT NULL THEN 'ip' WHEN hwid IS NOT NULL THEN 'hwid'
           WHEN license_id IS NOT NULL THEN 'license' ELSE 'unknown' END)`
  const scope = productIds
    ? sql` AND product_id IN (${sql.join(productIds.length ? productIds : [''])})`
    : sql``
  const { rows } =
    await sql<IncidentRow>`SELECT rule, source_type, source, count(*) AS count, sum(blocked) AS blocked, max(sev) AS severity,
        min(created_at) AS first_seen, max(created_at) AS last_seen, max(entry_id) AS entry_id
      FROM (SELECT type AS rule, ${kind} AS source_type, blocked,
              CASE ${kind} WHEN 'ip' THEN ip WHEN 'hwid' THEN hwid WHEN 'license' THEN license_id
                ELSE NULL END AS source,
              created_at, ${d.jsonText(details, 'entry_id')} AS entry_id,
              CASE severity WHEN 'critical' THEN 4 WHEN 'high' THEN 3 WHEN 'medium' THEN 2
                ELSE 1 END AS sev
            FROM events
            WHERE created_at >= ${since} AND severity <> 'info'
              AND type IN (${sql.join([...types])})${scope}) e
      GROUP BY rule, source_type, source
      ORDER BY max(created_at) DESC
      LIMIT ${limit}`.execute(db)
  return rows.map((r) => ({
    ...r,
    count: Number(r.count),
    blocked: Number(r.blocked),
    severity: Number(r.severity),
  }))
}
