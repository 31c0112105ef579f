import { z } from 'zod'
import { lifecycleReasonSchema } from '../schemas'
import { channel } from './channel'

export const bulkLicenseActionSchema = z.enum(['suspend', 'resume', 'extend', 'delete'])
export type BulkLicenseAction = z.infer<typeof bulkLicenseActionSchema>

/** A machine bound to a license, as the license drawer lists it. */
export interface MachineDto {
  id: string
  hwid: string
  name: string | null
  platform: string | null
  os_version: string | null
  /** The app version it activated with (client data `app_version`), when reported. */
  app_version: string | null
  ip: string | null
  first_seen_at: string
  /**
   * THE last seen of a machine: the later of its last heartbeat (or activation) and the last
   * validation that named its HWID (services/licenses/machines lastSeenOf).
   */
  last_seen_at: string
  last_heartbeat_at: string | null
  last_validated_at: string | null
  /** The environment it last ran in (DevPayr runtime checks); null when never recorded. */
  environment: string | null
  heartbeat: 'live' | 'late' | 'silent' | 'never'
  open_sessions: number
  /** Its floating seat: held, freed by culling (it may still come back), or none. */
  seat: 'held' | 'freed' | null
}

/** A machine in the machines view (across licenses) and on the customer page. */
export interface MachineViewDto extends MachineDto {
  license_id: string
  license_key: string
  product_id: string
  product_name: string
}

/** What one culling of a license did (services/seats). */
export interface CullResultDto {
  freed: number
  ended: number
  deactivated: number
}

export interface BulkLicenseResult {
  updated: number
  failed: { id: string; message: string }[]
}

/** Console-only license operations over many keys at once (the table's bulk actions). */
export const consoleLicenseChannels = {
  'licenses.bulkUpdate': channel(
    z
      .object({
        ids: z.array(z.string().min(1)).min(1).max(5_000),
        action: bulkLicenseActionSchema,
        /** For `extend`: days added to the current expiry (or to now when already past). */
        days: z.number().int().min(1).max(36_500).optional(),
        /** For `suspend`: why (kept with each key and its event). */
        reason: lifecycleReasonSchema,
      })
      .refine((v) => v.action !== 'extend' || v.days !== undefined, {
        message: 'Say by how many days to extend',
        path: ['days'],
      }),
  )
    .for('user')
    .returns<BulkLicenseResult>(),
  'licenses.machines': channel(z.object({ id: z.string().min(1) }))
    .for('user')
    .returns<MachineDto[]>(),
  /** Unbinds one machine (its slot frees up) and closes its sessions. */
  'licenses.releaseMachine': channel(
    z.object({ id: z.string().min(1), machine_id: z.string().min(1) }),
  )
    .for('user')
    .returns<{ released: true; sessions_revoked: number }>(),
  /** Culls the license's seats now: dead machines' seats freed, closed windows ended. */
  'licenses.cullSeats': channel(z.object({ id: z.string().min(1) }))
    .for('user')
    .returns<CullResultDto>(),
  /** Bans a key for good (every protocol refuses it) and ends its sessions. */
  'licenses.ban': channel(z.object({ id: z.string().min(1), reason: lifecycleReasonSchema }))
    .for('user')
    .returns<{ banned: true; sessions_revoked: number }>(),
} as const
