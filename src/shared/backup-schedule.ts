import { z } from 'zod'

/** Scheduled backups as the console sets them (Settings → Backup), stored in the settings table. */
export const backupScheduleSchema = z.object({
  enabled: z.boolean(),
  interval_minutes: z
    .number()
    .int()
    .min(5, 'At least every 5 minutes')
    .max(60 * 24 * 31, 'At most every 31 days'),
  retention: z.number().int().min(1, 'Keep at least 1').max(1000, 'Keep at most 1000'),
  /** Absolute folder; null: the data folder's backups/. */
  folder: z.string().trim().min(1).max(1000).nullable(),
})
export type BackupSchedule = z.infer<typeof backupScheduleSchema>

export const DEFAULT_BACKUP_SCHEDULE: BackupSchedule = {
  enabled: false,
  interval_minutes: 24 * 60,
  retention: 7,
  folder: null,
}

/** One scheduled run's outcome. */
export interface ScheduledBackupStatus {
  at: string
  ok: boolean
  name: string | null
  error: string | null
}

export interface BackupScheduleDto {
  schedule: BackupSchedule
  last: ScheduledBackupStatus | null
  next_at: string | null
  /** The folder backups go to (the schedule's, or <data>/backups). */
  folder: string
  /** Set when the command line configured the schedule (headless): the console cannot change it. */
  fixed_by_command_line: boolean
}
