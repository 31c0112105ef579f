import { existsSync, readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import type { BackupDto } from '@shared/channels/system'
import type { BackupSchedule, ScheduledBackupStatus } from '@shared/backup-schedule'
import type { ServiceContext } from '../context'
import type { EventsService } from '../events'
import * as repo from '../../db/repositories/settings'

/** Scheduled backups are named `scheduled-<ISO time>.db`: names sort by time, and retention only ever prunes these. */
export const SCHEDULED_PREFIX = 'scheduled'
const SCHEDULED = /^scheduled-[\w.-]+\.db$/
const SCHEDULE_KEY = 'backup.schedule'
const LAST_KEY = 'backup.last_scheduled'
/** How often the timer asks the clock whether a backup is due (the clock decides, not the timer). */
const POLL_MS = 30_000

/** What one scheduled run needs: the folder, how many to keep, the key that seals the .keys files. */
export interface ScheduleConfig {
  intervalMs: number
  retention: number
  dir: string
  /** The backup key (headless: --backup-key-file / KEYWARDEN_BACKUP_KEY); default: <data>/backup.key. */
  backupKey?: Buffer
}

export interface SchedulerDeps {
  events: EventsService
  /** One backup of the live database, with its sealed keys, into `dir`. */
  backupTo(prefix: string, to: { dir: string; backupKey?: Buffer }): Promise<BackupDto>
}

/** Deletes the oldest scheduled backups in `dir` (and their .keys) beyond the newest `keep`. */
export function pruneScheduled(dir: string, keep: number): string[] {
  if (!existsSync(dir)) return []
  const old = readdirSync(dir)
    .filter((n) => SCHEDULED.test(n))
    .sort()
    .reverse()
    .slice(keep)
  for (const n of old) {
    rmSync(join(dir, n), { force: true })
    rmSync(join(dir, `${n}.keys`), { force: true })
  }
  return old
}

/**
 * Backups every interval into a folder, keeping the newest N. Time comes from the services'
 * clock: the timer only polls, `tick()` runs a backup when the clock says one is due (tests
 * advance the clock and call tick). A failed run is kept as the last result and recorded as a
 * `system.backup_failed` event (severity high), never thrown away; the next interval tries again.
 */
export function createBackupScheduler(ctx: ServiceContext, deps: SchedulerDeps) {
  let config: ScheduleConfig | null = null
  let nextAt = 0
  let timer: NodeJS.Timeout | null = null
  let running: Promise<ScheduledBackupStatus> | null = null
  let last: ScheduledBackupStatus | null = null

  async function runOnce(c: ScheduleConfig): Promise<ScheduledBackupStatus> {
    const at = ctx.clock().toISOString()
    try {
      const b = await deps.backupTo(SCHEDULED_PREFIX, { dir: c.dir, backupKey: c.backupKey })
      const pruned = pruneScheduled(c.dir, c.retention)
      await deps.events.record({
        type: 'system.backup',
        details: { name: b.name, bytes: b.bytes, scheduled: true, pruned: pruned.length },
      })
      last = { at, ok: true, name: b.name, error: null }
    } catch (e) {
      const error = (e instanceof Error ? e.message : String(e)).replace(/\s+/g, ' ')
      last = { at, ok: false, name: null, error }
      await deps.events
        .record({ type: 'system.backup_failed', severity: 'high', details: { error, dir: c.dir } })
        .catch(() => {})
    }
    await repo.putSetting(ctx.db, LAST_KEY, JSON.stringify(last), at).catch(() => {})
    return last
  }

  const scheduler = {
    /** Starts (or changes, or with null stops) the schedule; the first backup is one interval from now. */
    configure(next: ScheduleConfig | null): void {
      config = next
      if (timer) clearInterval(timer)
      timer = null
      if (!next) return
      nextAt = ctx.clock().getTime() + next.intervalMs
      timer = setInterval(() => void scheduler.tick(), Math.min(POLL_MS, next.intervalMs))
      timer.unref()
    },

    /** Runs a backup when one is due by the clock (never two at once); returns its result. */
    async tick(): Promise<ScheduledBackupStatus | null> {
      if (!config || running || ctx.clock().getTime() < nextAt) return null
      const c = config
      nextAt = ctx.clock().getTime() + c.intervalMs
      running = runOnce(c)
      try {
        return await running
      } finally {
        running = null
      }
    },

    /** The last scheduled run (this process's, else the one stored by an earlier run) and the next. */
    async status(): Promise<{ last: ScheduledBackupStatus | null; next_at: string | null }> {
      if (!last) {
        const stored = await repo.getSetting(ctx.db, LAST_KEY)
        if (stored) last = JSON.parse(stored) as ScheduledBackupStatus
      }
      return { last, next_at: config ? new Date(nextAt).toISOString() : null }
    },

    /** The schedule the console set (desktop), stored in the settings table. */
    async stored(): Promise<BackupSchedule | null> {
      const text = await repo.getSetting(ctx.db, SCHEDULE_KEY)
      return text ? (JSON.parse(text) as BackupSchedule) : null
    },

    async store(s: BackupSchedule): Promise<void> {
      await repo.putSetting(ctx.db, SCHEDULE_KEY, JSON.stringify(s), ctx.clock().toISOString())
    },

    /** Stops the timer and waits for a run in progress (the runtime's close). */
    async stop(): Promise<void> {
      scheduler.configure(null)
      await running
    },
  }
  return scheduler
}

export type BackupScheduler = ReturnType<typeof createBackupScheduler>
