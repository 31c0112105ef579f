import { useState } from 'react'
import type { BackupScheduleDto } from '@shared/backup-schedule'
import { useApp } from '../../store'
import { Button } from '../../components/ui/button'
import { Field } from '../../components/ui/field'
import { Checkbox, Input } from '../../components/ui/input'
import { fmtDateTime } from '../../lib/format'

/** The last scheduled run, as one line: when, and the file or the error. */
function LastRun({ info }: { info: BackupScheduleDto }) {
  const last = info.last
  return (
    <p role="status" aria-label="Last scheduled backup" className="text-sm">
      {!last ? (
        <span className="text-muted">No scheduled backup has run yet.</span>
      ) : last.ok ? (
        <span className="text-muted">
          Last scheduled backup: {fmtDateTime(last.at)}, {last.name}
        </span>
      ) : (
        <span className="text-danger">
          Last scheduled backup failed ({fmtDateTime(last.at)}): {last.error}
        </span>
      )}
      {info.next_at && <span className="text-muted"> · next {fmtDateTime(info.next_at)}</span>}
    </p>
  )
}

/** Settings → Backups: a backup every interval into a folder, keeping the newest N. */
export function BackupScheduleSection() {
  const info = useApp((s) => s.backupSchedule)
  if (!info) return null
  // A new form whenever the stored schedule changes (its fields start from it).
  return <ScheduleForm key={JSON.stringify(info.schedule)} info={info} />
}

function ScheduleForm({ info }: { info: BackupScheduleDto }) {
  const save = useApp((s) => s.setBackupSchedule)
  const desktop = useApp((s) => s.desktop)
  const [enabled, setEnabled] = useState(info.schedule.enabled)
  const [hours, setHours] = useState(String(info.schedule.interval_minutes / 60))
  const [keep, setKeep] = useState(String(info.schedule.retention))
  const [folder, setFolder] = useState(info.schedule.folder ?? '')
  const fixed = info.fixed_by_command_line

  return (
    <section aria-label="Scheduled backups" className="mt-3 border-t border-line pt-3">
      <h3 className="text-sm font-medium text-fg">Scheduled backups</h3>
      {fixed && (
        <p className="mt-1 text-xs text-muted">
          Set by this server’s command line (--backup-interval): every{' '}
          {info.schedule.interval_minutes} minutes into {info.folder}, keeping{' '}
          {info.schedule.retention}.
        </p>
      )}
      <div className="mt-2 grid grid-cols-2 gap-3">
        <label className="col-span-2 flex items-center gap-2 text-sm">
          <Checkbox
            checked={enabled}
            disabled={fixed}
            onChange={(e) => setEnabled(e.target.checked)}
          />
          Back up automatically
        </label>
        <Field label="Every (hours)">
          <Input
            type="number"
            min={0.1}
            step={0.5}
            value={hours}
            disabled={fixed}
            onChange={(e) => setHours(e.target.value)}
          />
        </Field>
        <Field label="Keep the newest">
          <Input
            type="number"
            min={1}
            value={keep}
            disabled={fixed}
            onChange={(e) => setKeep(e.target.value)}
          />
        </Field>
        {desktop && (
          <Field
            label="Folder (empty: backups/ in the data folder)"
            className="col-span-2 flex flex-col gap-1.5"
          >
            <Input
              placeholder={info.folder}
              value={folder}
              disabled={fixed}
              onChange={(e) => setFolder(e.target.value)}
            />
          </Field>
        )}
      </div>
      <div className="mt-2 flex items-center justify-between gap-2">
        <LastRun info={info} />
        {!fixed && (
          <Button
            size="sm"
            onClick={() =>
              void save({
                enabled,
                interval_minutes: Math.round(Number(hours) * 60),
                retention: Math.round(Number(keep)),
                folder: folder.trim() || null,
              })
            }
          >
            Save schedule
          </Button>
        )}
      </div>
    </section>
  )
}
