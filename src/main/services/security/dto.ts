import type {
  BlacklistEntryDto,
  IncidentDto,
  SecurityStatsDto,
  SessionDto,
} from '@shared/channels/security'
import type { BlacklistRow } from '../../db/repositories/blacklist'
import type { IncidentRow, SessionView } from '../../db/repositories/security'

const SEVERITY_BY_RANK = ['low', 'low', 'medium', 'high', 'critical'] as const

/** An incident with the blacklist entry it blocked with, when that entry still blocks. */
export function toIncidentDto(
  r: IncidentRow,
  entries: BlacklistRow[],
  now: string,
): Omit<IncidentDto, 'allowlisted'> {
  const e = entries.find((x) => x.id === r.entry_id)
  const blocking = e && toBlacklistDto(e, now).is_active
  return {
    rule: r.rule,
    source_type: r.source_type as IncidentDto['source_type'],
    source: r.source,
    severity: SEVERITY_BY_RANK[r.severity] ?? 'low',
    count: r.count,
    blocked: r.blocked,
    first_seen: r.first_seen,
    last_seen: r.last_seen,
    block: blocking ? { entry_id: e.id, expires_at: e.expires_at, source: e.source } : null,
  }
}

export function toBlacklistDto(r: BlacklistRow, now: string): BlacklistEntryDto {
  return {
    id: r.id,
    type: r.type,
    value: r.value,
    reason: r.reason,
    severity: r.severity,
    is_active: r.is_active === 1 && (r.expires_at === null || r.expires_at > now),
    expires_at: r.expires_at,
    created_by: r.created_by,
    source: r.source,
    created_at: r.created_at,
  }
}

/** One row per UTC day from `since` to today, days without events at zero (charts read evenly). */
export function zeroFilled(
  rows: SecurityStatsDto['daily_trend'],
  since: string,
): SecurityStatsDto['daily_trend'] {
  const byDate = new Map(rows.map((r) => [r.date, r]))
  const out: SecurityStatsDto['daily_trend'] = []
  for (let t = Date.parse(since), i = 0; i < 30; i++, t += 86_400_000) {
    const date = new Date(t).toISOString().slice(0, 10)
    out.push(byDate.get(date) ?? { date, total: 0, blocked: 0, critical: 0 })
  }
  return out
}

export function toSessionDto(r: SessionView, now: string): SessionDto {
  return { ...r, is_active: r.revoked_at === null && r.expires_at > now }
}
