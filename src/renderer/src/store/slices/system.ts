import type {
  BackupDto,
  DesktopSettings,
  IntegrityCheckDto,
  SystemInfo,
} from '@shared/channels/system'
import type { BackupSchedule, BackupScheduleDto } from '@shared/backup-schedule'
import type { ImportReport, TransferFormat, TransferKind } from '@shared/channels/settings-console'
import { act, call } from '../api'
import type { Slice } from '../types'

export interface SystemSlice {
  system: SystemInfo | null
  backups: BackupDto[]
  /** Scheduled backups (Settings → Backups): the schedule and the last run's result. */
  backupSchedule: BackupScheduleDto | null
  setBackupSchedule(s: BackupSchedule): Promise<boolean>
  /** Desktop-only settings; null in the browser console (headless server). */
  desktop: DesktopSettings | null
  loadSystem(): Promise<void>
  setDesktop(patch: {
    start_at_login?: boolean
    notify_critical?: boolean
    auto_update?: boolean
  }): Promise<void>
  /** Desktop app: opens the log folder in the file manager. */
  openLogFolder(): Promise<void>
  /** Rebinds the server (host/port); the console follows it to the new address. */
  restartServer(host: string, port: number): Promise<boolean>
  backupNow(): Promise<BackupDto | undefined>
  /** Full integrity check of the live database (Settings → Backups). */
  checkIntegrity(): Promise<IntegrityCheckDto | undefined>
  restoreBackup(source: { name: string } | { file: string; bytesBase64: string }): Promise<boolean>
  exportData(
    kind: TransferKind,
    format: TransferFormat,
  ): Promise<{ filename: string; content: string } | undefined>
  importData(
    kind: TransferKind,
    format: TransferFormat,
    content: string,
    dryRun: boolean,
  ): Promise<ImportReport | undefined>
}

/** Settings: server address, backups, import/export, versions. */
export const createSystemSlice: Slice<SystemSlice> = (set, get) => ({
  system: null,
  backups: [],
  backupSchedule: null,
  desktop: null,
  async loadSystem() {
    const [system, backups, desktop, backupSchedule] = await Promise.all([
      act(call('system.info', {})),
      act(call('system.backups', {})),
      act(call('system.desktop', {})),
      act(call('system.backupSchedule', {})),
    ])
    set({
      system: system ?? get().system,
      backups: backups ?? get().backups,
      backupSchedule: backupSchedule ?? get().backupSchedule,
      desktop: desktop === undefined ? get().desktop : desktop,
    })
  },
  async setDesktop(patch) {
    const d = await act(call('system.setDesktop', patch), 'Saved')
    if (d) set({ desktop: d })
  },
  async openLogFolder() {
    await act(call('system.openLogFolder', {}))
  },
  async restartServer(host, port) {
    const r = await act(call('system.listen', { host, port }), (x) =>
      x.state === 'listening'
        ? `The server now listens on ${x.host}:${x.port}`
        : `Restarting the server on ${x.host}:${x.port}…`,
    )
    if (!r) return false
    const here = window.location
    if (get().transport === 'http' && r.state === 'listening') {
      // This browser console is served by the server that just moved, and the new address
      // already answers: follow it (the login is per server, so it asks for the token again).
      here.assign(`${here.protocol}//${here.hostname}:${r.port}/console/`)
    } else {
      // The new address arrives as a server.status push (desktop); read it again as well.
      setTimeout(() => void get().loadServer(), 800)
    }
    return true
  },
  async setBackupSchedule(schedule) {
    const r = await act(call('system.setBackupSchedule', schedule), (x) =>
      x.schedule.enabled ? `Backups scheduled into ${x.folder}` : 'Scheduled backups are off',
    )
    if (r) set({ backupSchedule: r })
    return r !== undefined
  },
  async backupNow() {
    const b = await act(call('system.backup', {}), (x) => `Backup saved: ${x.name}`)
    if (b) set({ backups: [b, ...get().backups] })
    return b
  },
  async checkIntegrity() {
    return act(call('system.integrityCheck', {}))
  },
  async restoreBackup(source) {
    const r = await act(
      call('system.restore', source),
      (x) => `Restored. The previous database was kept as ${x.previous}`,
    )
    if (!r) return false
    void get().loadSystem()
    void get().loadProducts()
    void get().loadLicenses()
    return true
  },
  exportData: (kind, format) => act(call('transfer.export', { kind, format }), 'Export ready'),
  importData: (kind, format, content, dryRun) =>
    act(
      call('transfer.import', { kind, format, content, dryRun }),
      dryRun
        ? undefined
        : (r) => `Imported ${r.created} ${kind}${r.errors ? `, ${r.errors} rows skipped` : ''}`,
    ),
})
