import type BetterSqlite3 from 'better-sqlite3'
import type { MachineDto } from '@shared/channels/console-licenses'

/** A machine bound to a license, with how many open sessions it holds: its DTO less what is derived. */
export type MachineListRow = Omit<MachineDto, 'heartbeat'>

export function listLicenseMachines(
  sqlite: BetterSqlite3.Database,
  licenseId: string,
  now: string,
): MachineListRow[] {
  return sqlite
    .prepare(
      `SELECT m.id, m.hwid, m.name, m.platform, m.os_version, m.ip, m.first_seen_at, m.last_seen_at,
              m.last_heartbeat_at,
              (SELECT count(*) FROM sessions s
                WHERE s.machine_id = m.id AND s.revoked_at IS NULL AND s.expires_at > ?) AS open_sessions
         FROM machines m WHERE m.license_id = ? ORDER BY m.last_seen_at DESC`,
    )
    .all(now, licenseId) as MachineListRow[]
}
