import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  statSync,
  writeFileSync,
  rmSync,
} from 'node:fs'
import { isAbsolute, join } from 'node:path'
import type { BackupDto, IntegrityCheckDto } from '@shared/channels/system'
import { DomainError } from '@shared/errors'
import type { ServiceContext } from '../context'
import type { EventsService } from '../events'
import { rsaPrivateKeyPath } from '../../crypto/keys'
import * as database from '../../db/backup'
import { writeKeysBundle } from './keys'
import { sealedAad } from '../../crypto/seal'
import {
  DEFAULT_BACKUP_SCHEDULE,
  type BackupSchedule,
  type BackupScheduleDto,
} from '@shared/backup-schedule'
import { createBackupScheduler, type ScheduleConfig } from './schedule'

const NAME = /^[\w.-]+\.db$/

function stamp(d: Date): string {
  return d.toISOString().replace(/[:.]/g, '-')
}

/**
 * Backups of the live database, kept in <data>/backups as SQLite files whatever the dialect
 * (db/backup.ts: the online backup API on SQLite, a logical copy in one snapshot on
 * PostgreSQL), so a backup restores anywhere. Restoring first backs up the current data, so a
 * restore never loses what it replaces.
 */
export function createBackupService(ctx: ServiceContext, deps: { events: EventsService }) {
  const dir = join(ctx.dataDir, 'backups')

  function describe(folder: string, name: string): BackupDto {
    const st = statSync(join(folder, name))
    return {
      name,
      bytes: st.size,
      created_at: st.mtime.toISOString(),
      keys_included: existsSync(join(folder, `${name}.keys`)),
    }
  }

  async function backupTo(
    prefix: string,
    to: { dir: string; backupKey?: Buffer } = { dir },
  ): Promise<BackupDto> {
    mkdirSync(to.dir, { recursive: true, mode: 0o700 })
    const name = `${prefix}-${stamp(ctx.clock())}.db`
    const file = join(to.dir, name)
    await database.backupDatabase(ctx.db, file)
    chmodSync(file, 0o600)
    // What a restore on another machine needs (master.key, the RSA key), sealed with backup.key.
    if (existsSync(rsaPrivateKeyPath(ctx.dataDir))) {
      writeKeysBundle(ctx.dataDir, file, to.backupKey)
    }
    return describe(to.dir, name)
  }
  const scheduler = createBackupScheduler(ctx, { events: deps.events, backupTo })
  /** Set by the command line (headless): then the stored schedule is not used. */
  let fixedSchedule: ScheduleConfig | null = null

  const configOf = (s: BackupSchedule): ScheduleConfig | null =>
    s.enabled
      ? { intervalMs: s.interval_minutes * 60_000, retention: s.retention, dir: s.folder ?? dir }
      : null

  /** Refuses a file that is not a readable Keywarden database before anything is replaced. */
  function checkDatabase(file: string): void {
    let p: { id: string; secret_key: string } | null
    try {
      p = database.checkBackupFile(file)
    } catch {
      throw new DomainError('VALIDATION_ERROR', 'That file is not a Keywarden database backup')
    }
    // Its sealed secrets must open with this installation's master.key: a backup of another
    // installation would leave every product secret and API-key signature unreadable.
    if (p) {
      try {
        ctx.secrets.open(p.secret_key, sealedAad.productSecret(p.id))
      } catch {
        throw new DomainError(
          'VALIDATION_ERROR',
          'That backup belongs to another installation (its secrets are sealed with another master.key): ' +
            'restore it into an empty data folder with `npm run serve -- --restore FILE --backup-key-file PATH`',
        )
      }
    }
  }

  async function schedule(): Promise<BackupScheduleDto> {
    const stored = (await scheduler.stored()) ?? DEFAULT_BACKUP_SCHEDULE
    const current: BackupSchedule = fixedSchedule
      ? {
          enabled: true,
          interval_minutes: Math.round(fixedSchedule.intervalMs / 60_000),
          retention: fixedSchedule.retention,
          folder: fixedSchedule.dir,
        }
      : stored
    const { last, next_at } = await scheduler.status()
    const folder = fixedSchedule ? fixedSchedule.dir : (stored.folder ?? dir)
    return {
      schedule: current,
      last,
      next_at,
      folder,
      fixed_by_command_line: fixedSchedule !== null,
    }
  }

  return {
    list(): BackupDto[] {
      if (!existsSync(dir)) return []
      return readdirSync(dir)
        .filter((n) => NAME.test(n))
        .map((n) => describe(dir, n))
        .sort((a, b) => b.created_at.localeCompare(a.created_at) || b.name.localeCompare(a.name))
    },

    /** The full integrity check of the live database, on demand (the start runs quick_check). */
    async integrityCheck(): Promise<IntegrityCheckDto> {
      const started = performance.now()
      const messages = await database.integrityCheck(ctx.db)
      const ok = messages.length === 1 && messages[0] === 'ok'
      const result = {
        ok,
        messages,
        checked_at: ctx.clock().toISOString(),
        duration_ms: Math.round(performance.now() - started),
      }
      await deps.events.record({
        type: 'system.integrity_check',
        severity: ok ? 'info' : 'critical',
        details: { ok, findings: ok ? 0 : messages.length },
      })
      return result
    },

    /**
     * Starts the schedule: the command line's (headless `--backup-interval`), else the one the
     * console stored (Settings → Backup).
     */
    async startSchedule(fromCommandLine?: ScheduleConfig): Promise<void> {
      fixedSchedule = fromCommandLine ?? null
      if (fixedSchedule) scheduler.configure(fixedSchedule)
      else scheduler.configure(configOf((await scheduler.stored()) ?? DEFAULT_BACKUP_SCHEDULE))
    },

    schedule,

    async setSchedule(s: BackupSchedule): Promise<BackupScheduleDto> {
      if (fixedSchedule) {
        throw new DomainError(
          'CONFLICT',
          'The command line (--backup-interval) sets this server’s backup schedule',
        )
      }
      if (s.folder !== null && !isAbsolute(s.folder)) {
        throw new DomainError('VALIDATION_ERROR', 'folder: an absolute path')
      }
      await scheduler.store(s)
      scheduler.configure(configOf(s))
      return schedule()
    },

    /** Runs a scheduled backup when one is due by the clock (the timer calls this too). */
    tickSchedule: () => scheduler.tick(),
    stopSchedule: () => scheduler.stop(),

    async backup(): Promise<BackupDto> {
      const b = await backupTo('backup')
      await deps.events.record({ type: 'system.backup', details: { name: b.name, bytes: b.bytes } })
      return b
    },

    async restore(
      source: { name: string } | { file: string; bytes: Buffer },
    ): Promise<{ restored: string; previous: string }> {
      let file: string
      let uploaded: string | null = null
      if ('name' in source) {
        if (!NAME.test(source.name) || !existsSync(join(dir, source.name))) {
          throw new DomainError('NOT_FOUND', 'No backup with that name')
        }
        file = join(dir, source.name)
      } else {
        mkdirSync(dir, { recursive: true, mode: 0o700 })
        uploaded = join(dir, `.upload-${stamp(ctx.clock())}.tmp`)
        writeFileSync(uploaded, source.bytes, { mode: 0o600 })
        file = uploaded
      }
      try {
        checkDatabase(file)
        const previous = await backupTo('pre-restore')
        // The live data replaced by the backup's, brought to this schema when an older release
        // made it (its secrets sealed); the open store reads the restored data at once.
        await database.restoreDatabase(
          ctx.db,
          file,
          join(ctx.dataDir, `.restore-${stamp(ctx.clock())}.db`),
        )
        const restored = 'name' in source ? source.name : source.file
        await deps.events.record({
          type: 'system.restored',
          severity: 'medium',
          details: { restored, previous: previous.name },
        })
        return { restored, previous: previous.name }
      } finally {
        if (uploaded) rmSync(uploaded, { force: true })
      }
    },
  }
}

export type BackupService = ReturnType<typeof createBackupService>
