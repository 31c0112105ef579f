import { useRef, useState } from 'react'
import { DatabaseBackup, ShieldCheck, Upload } from 'lucide-react'
import type { IntegrityCheckDto } from '@shared/channels/system'
import { useApp } from '../../store'
import { Card, CardHeader } from '../../components/ui/card'
import { Button } from '../../components/ui/button'
import { fmtBytes, fmtDateTime } from '../../lib/format'
import { BackupScheduleSection } from './backup-schedule'

function toBase64(buf: ArrayBuffer): string {
  const bytes = new Uint8Array(buf)
  let s = ''
  for (let i = 0; i < bytes.length; i += 0x8000)
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return btoa(s)
}

/** Backup now (SQLite online backup) and restore from a backup or a file, with confirmation. */
export function BackupSection() {
  const backups = useApp((s) => s.backups)
  const backupNow = useApp((s) => s.backupNow)
  const restore = useApp((s) => s.restoreBackup)
  const confirm = useApp((s) => s.confirm)
  const checkIntegrity = useApp((s) => s.checkIntegrity)
  const [integrity, setIntegrity] = useState<IntegrityCheckDto | null>(null)
  const [checking, setChecking] = useState(false)
  const fileRef = useRef<HTMLInputElement>(null)

  const ask = (what: string) =>
    confirm({
      title: `Restore ${what}?`,
      description:
        'Every product, license, machine and event is replaced by the backup’s. The current database is first saved as a “pre-restore” backup, so you can undo this.',
      confirmLabel: 'Restore',
      destructive: true,
    })

  return (
    <Card>
      <CardHeader
        title="Backups"
        description="Consistent copies of the live database, taken while the server keeps running. Each comes with a .keys file: master.key and the signing key, sealed with the backup key (backup.key in the data folder). Keep a copy of backup.key apart from your backups: a restore on another machine needs it (npm run serve -- --restore FILE --backup-key-file PATH)."
        actions={
          <Button size="sm" variant="primary" onClick={() => void backupNow()}>
            <DatabaseBackup aria-hidden="true" size={14} /> Back up now
          </Button>
        }
      />
      <div className="px-4 py-3">
        {backups.length === 0 ? (
          <p className="text-sm text-muted">
            No backups yet. “Back up now” saves one in the data directory’s backups folder.
          </p>
        ) : (
          <ul aria-label="Backups" className="max-h-52 divide-y divide-line overflow-y-auto">
            {backups.map((b) => (
              <li key={b.name} className="flex items-center justify-between gap-2 py-2 text-sm">
                <div className="min-w-0">
                  <div className="truncate font-mono text-[13px]">{b.name}</div>
                  <div className="text-xs text-muted">
                    {fmtDateTime(b.created_at)} · {fmtBytes(b.bytes)}
                    {b.keys_included ? ' · keys sealed beside it' : ' · database only'}
                  </div>
                </div>
                <Button
                  size="sm"
                  aria-label={`Restore ${b.name}`}
                  onClick={async () => (await ask(b.name)) && (await restore({ name: b.name }))}
                >
                  Restore
                </Button>
              </li>
            ))}
          </ul>
        )}
        <div className="mt-3 flex items-center gap-2 border-t border-line pt-3">
          <input
            ref={fileRef}
            type="file"
            accept=".db,.sqlite,.sqlite3"
            aria-label="Backup file to restore"
            className="sr-only"
            onChange={async (e) => {
              const file = e.target.files?.[0]
              e.target.value = ''
              if (!file || !(await ask(file.name))) return
              await restore({ file: file.name, bytesBase64: toBase64(await file.arrayBuffer()) })
            }}
          />
          <Button size="sm" onClick={() => fileRef.current?.click()}>
            <Upload aria-hidden="true" size={14} /> Restore from file…
          </Button>
          <Button
            size="sm"
            disabled={checking}
            onClick={async () => {
              setChecking(true)
              try {
                setIntegrity((await checkIntegrity()) ?? null)
              } finally {
                setChecking(false)
              }
            }}
          >
            <ShieldCheck aria-hidden="true" size={14} />{' '}
            {checking ? 'Checking…' : 'Check database integrity'}
          </Button>
        </div>
        {integrity && (
          <div role="status" aria-label="Integrity check result" className="mt-2 text-sm">
            {integrity.ok ? (
              <p className="text-muted">
                Integrity check passed ({fmtDateTime(integrity.checked_at)}, {integrity.duration_ms}{' '}
                ms).
              </p>
            ) : (
              <>
                <p className="text-danger">
                  The database is damaged: restore a backup. SQLite reports:
                </p>
                <ul className="mt-1 max-h-32 overflow-y-auto font-mono text-xs">
                  {integrity.messages.map((m, i) => (
                    <li key={i}>{m}</li>
                  ))}
                </ul>
              </>
            )}
          </div>
        )}
        <BackupScheduleSection />
      </div>
    </Card>
  )
}
