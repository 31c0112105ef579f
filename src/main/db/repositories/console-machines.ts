import type { MachineDto } from '@shared/channels/console-licenses'
import type { Executor } from '../connection'

/** A machine bound to a license, with how many open sessions it holds: its DTO less what is derived. */
export type MachineListRow = Omit<MachineDto, 'heartbeat'>

export async function listLicenseMachines(
  ex: Executor,
  licenseId: string,
  now: string,
): Promise<MachineListRow[]> {
  const rows = await ex
    .selectFrom('machines as m')
    .select([
      'm.id',
      'm.hwid',
      'm.name',
      'm.platform',
      'm.os_version',
      'm.ip',
      'm.first_seen_at',
      'm.last_seen_at',
      'm.last_heartbeat_at',
      'm.environment',
      'm.seat',
    ])
    .select((eb) =>
      eb
        .selectFrom('sessions as s')
        .whereRef('s.machine_id', '=', 'm.id')
        .where('s.revoked_at', 'is', null)
        .where('s.expires_at', '>', now)
        .select(eb.fn.countAll<number>().as('n'))
        .as('open_sessions'),
    )
    .where('m.license_id', '=', licenseId)
    .orderBy('m.last_seen_at', 'desc')
    .execute()
  return rows.map((r) => ({ ...r, open_sessions: Number(r.open_sessions ?? 0) }))
}
