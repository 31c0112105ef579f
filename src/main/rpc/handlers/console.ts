import type { consoleLicenseChannels } from '@shared/channels/console-licenses'
import type { dashboardChannels } from '@shared/channels/dashboard'
import type { systemChannels } from '@shared/channels/system'
import type { transferChannels } from '@shared/channels/settings-console'
import { DomainError } from '@shared/errors'
import { databaseInfo } from '../../db/backup'
import { VERSION } from '../../version'
import type { HandlerDeps, HandlersFor } from './types'

type ConsoleChannels = typeof consoleLicenseChannels &
  typeof dashboardChannels &
  typeof systemChannels &
  typeof transferChannels

/** Console-only channels: dashboard, bulk license actions, server address, backups, import/export. */
export function consoleHandlers({
  services: s,
  serverStatus,
  listen,
  desktop,
}: HandlerDeps): HandlersFor<ConsoleChannels> {
  return {
    'licenses.bulkUpdate': async (i, { actor }) =>
      s.licenseBulk.apply(actor, i.ids, i.action, i.days, i.reason),
    'licenses.machines': async (i, { actor }) => s.licenseMachines.list(actor, i.id),
    'licenses.releaseMachine': async (i, { actor }) =>
      s.licenseMachines.release(actor, i.id, i.machine_id),
    'licenses.ban': async (i, { actor }) => s.licenseMachines.ban(actor, i.id, i.reason),
    'licenses.cullSeats': async (i, { actor }) => s.seats.cullLicense(actor, i.id),
    'dashboard.summary': async (_i, { actor }) => s.dashboard.summary(actor),

    'system.info': async () => {
      const st = serverStatus()
      const db = await databaseInfo(s.ctx.db)
      return {
        app_version: VERSION,
        node: process.versions.node,
        electron: process.versions.electron ?? null,
        chrome: process.versions.chrome ?? null,
        database: db.dialect === 'sqlite' ? `SQLite ${db.version}` : db.version,
        platform: `${process.platform} ${process.arch}`,
        data_dir: s.ctx.dataDir,
        database_file: db.location ?? ':memory:',
        database_bytes: db.bytes,
        log_dir: desktop?.logDir ?? null,
        host: st.host,
        port: st.port,
      }
    },
    'system.listen': async (i) => {
      if (!listen)
        throw new DomainError('FORBIDDEN', 'This server cannot be restarted from the console')
      const before = serverStatus()
      if (i.port === 0 || i.port !== before.port) {
        // A new port is bound before the old server stops, so the answer can wait for it: a
        // taken port is the caller's error, and a success means the new address already answers.
        const now = await listen(i.host, i.port).catch((e: unknown) => {
          const why = e instanceof Error ? e.message : String(e)
          throw new DomainError('CONFLICT', `Could not listen on ${i.host}:${i.port}: ${why}`)
        })
        return { state: 'listening' as const, host: now.host, port: now.port }
      }
      // The same port on another host: the server must let go of it first, and this call is
      // served by that very server (a restart drains open requests, so it would wait for
      // itself). Answer, then restart; a failed bind goes back to the previous address.
      setTimeout(() => {
        listen(i.host, i.port).catch(async (e: unknown) => {
          await s.events.record({
            type: 'system.listen_failed',
            severity: 'high',
            details: {
              host: i.host,
              port: i.port,
              message: e instanceof Error ? e.message : String(e),
            },
          })
          await listen(before.host, before.port)
        })
      }, 50)
      return { state: 'restarting' as const, host: i.host, port: i.port }
    },
    'system.desktop': async () => desktop?.get() ?? null,
    'system.setDesktop': async (i) => {
      if (!desktop)
        throw new DomainError('FORBIDDEN', 'Desktop settings exist only in the desktop app')
      return desktop.set(i)
    },
    'system.openLogFolder': async () => {
      if (!desktop?.openLogFolder)
        throw new DomainError('FORBIDDEN', 'The log folder exists only in the desktop app')
      await desktop.openLogFolder()
      return null
    },
    'system.backups': async () => s.backup.list(),
    'system.backupSchedule': async () => s.backup.schedule(),
    'system.setBackupSchedule': async (i) => {
      // Where files are written is the machine owner's choice: the desktop app, or --backup-dir.
      if (i.folder !== null && !desktop)
        throw new DomainError(
          'FORBIDDEN',
          'A backup folder is chosen in the desktop app or with --backup-dir; here backups go to the data folder’s backups/',
        )
      return s.backup.setSchedule(i)
    },
    'system.backup': async () => s.backup.backup(),
    'system.integrityCheck': async () => s.backup.integrityCheck(),
    'system.restore': async (i) =>
      s.backup.restore(
        'name' in i
          ? { name: i.name }
          : { file: i.file, bytes: Buffer.from(i.bytesBase64, 'base64') },
      ),

    'transfer.export': async (i, { actor }) => s.transfer.export(actor, i.kind, i.format),
    'transfer.import': async (i, { actor }) =>
      s.transfer.import(actor, i.kind, i.format, i.content, i.dryRun),
  }
}
