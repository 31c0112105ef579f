import { z } from 'zod'
import { channel, none } from './channel'
import { backupScheduleSchema, type BackupScheduleDto } from '../backup-schedule'

export interface SystemInfo {
  app_version: string
  node: string
  electron: string | null
  chrome: string | null
  /** The database engine and its version: "SQLite 3.x" or "PostgreSQL 15.x". */
  database: string
  platform: string
  data_dir: string
  database_file: string
  database_bytes: number
  /** The desktop app's log folder (rotating files); null when logs go to standard output. */
  log_dir: string | null
  host: string
  port: number
}

/** Desktop-app settings (null in the headless server, which has no desktop). */
export interface DesktopSettings {
  /** null where the OS has no login items Electron can set (Linux desktops). */
  start_at_login: boolean | null
  notify_critical: boolean
  /** "Check for updates automatically" (electron-updater); on by default in packaged builds. */
  auto_update: boolean
}

export interface BackupDto {
  name: string
  bytes: number
  created_at: string
  /**
   * `<name>.keys` lies beside it: master.key and the RSA key, sealed with the installation's
   * backup key (<data>/backup.key), for a restore on another machine (`serve --restore`).
   */
  keys_included: boolean
}

/** The answer of SQLite's full `PRAGMA integrity_check` on the live database. */
export interface IntegrityCheckDto {
  ok: boolean
  /** `['ok']`, or SQLite's findings (at most 100 lines). */
  messages: string[]
  checked_at: string
  duration_ms: number
}

const backupName = z
  .string()
  .regex(/^[\w.-]+\.db$/, 'A backup file name from the list')
  .max(200)

/** Console-only channels about the installation: versions, the listening address, backups. */
export const systemChannels = {
  'system.info': channel(none).for('admin').returns<SystemInfo>(),
  /**
   * Moves the HTTP server to a new address (0.0.0.0 exposes it on the LAN). A new port is bound
   * before answering: `listening` with the real port (port 0 picks a free one), or CONFLICT when
   * it cannot be bound (the old address keeps serving). The same port on another host must be
   * released first, so that restart happens just after the answer (`restarting`); its status
   * arrives as a `server.status` push, and a failed bind goes back to the old address.
   */
  'system.listen': channel(
    z.object({
      host: z.union([z.ipv4(), z.ipv6(), z.literal('localhost')], {
        message: 'An IP address such as 127.0.0.1 or 0.0.0.0',
      }),
      port: z.number().int().min(0).max(65_535),
    }),
  )
    .for('admin')
    .returns<{ state: 'listening' | 'restarting'; host: string; port: number }>(),
  'system.desktop': channel(none).for('admin').returns<DesktopSettings | null>(),
  'system.setDesktop': channel(
    z.object({
      start_at_login: z.boolean().optional(),
      notify_critical: z.boolean().optional(),
      auto_update: z.boolean().optional(),
    }),
  )
    .for('admin')
    .returns<DesktopSettings>(),
  /** Desktop app only: opens the log folder in the file manager. */
  'system.openLogFolder': channel(none).for('admin').returns<null>(),
  'system.backups': channel(none).for('admin').returns<BackupDto[]>(),
  /** Scheduled backups: the schedule, the last run's time and result, the next run. */
  'system.backupSchedule': channel(none).for('admin').returns<BackupScheduleDto>(),
  /** Stores and applies the schedule (a folder other than <data>/backups: desktop app only). */
  'system.setBackupSchedule': channel(backupScheduleSchema)
    .for('admin')
    .returns<BackupScheduleDto>(),
  /** Full `PRAGMA integrity_check` of the live database (a start runs only `quick_check`). */
  'system.integrityCheck': channel(none).for('admin').returns<IntegrityCheckDto>(),
  /** SQLite online backup of the live database into <data>/backups/. */
  'system.backup': channel(none).for('admin').returns<BackupDto>(),
  /**
   * Replaces the live database with a backup (one from the list, or an uploaded file). The
   * current database is first saved as a backup, so a restore can itself be undone.
   */
  'system.restore': channel(
    z.union([
      z.object({ name: backupName }),
      z.object({
        file: z.string().min(1).max(200),
        bytesBase64: z.string().min(1).max(700_000_000),
      }),
    ]),
  )
    .for('admin')
    .returns<{ restored: string; previous: string }>(),
} as const
