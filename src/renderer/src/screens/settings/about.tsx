import { Monitor, Moon, Sun } from 'lucide-react'
import { Checkbox } from '../../components/ui/input'
import { useApp } from '../../store'
import type { Theme } from '../../store/slices/ui'
import { Card, CardHeader } from '../../components/ui/card'
import { CopyButton } from '../../components/ui/copy'
import { cn } from '../../components/ui/cn'
import { fmtBytes } from '../../lib/format'
import { Button } from '../../components/ui/button'

const THEMES: { id: Theme; label: string; icon: typeof Sun }[] = [
  { id: 'light', label: 'Light', icon: Sun },
  { id: 'dark', label: 'Dark', icon: Moon },
  { id: 'system', label: 'System', icon: Monitor },
]

export function AppearanceSection() {
  const theme = useApp((s) => s.theme)
  const setTheme = useApp((s) => s.setTheme)
  return (
    <Card>
      <CardHeader
        title="Appearance"
        description="System follows your operating system’s setting."
      />
      <div role="radiogroup" aria-label="Theme" className="grid grid-cols-3 gap-2 px-4 py-4">
        {THEMES.map((t) => (
          <button
            key={t.id}
            type="button"
            role="radio"
            aria-checked={theme === t.id}
            onClick={() => setTheme(t.id)}
            className={cn(
              'flex flex-col items-center gap-1.5 rounded-md border px-3 py-3 text-sm',
              theme === t.id
                ? 'border-accent bg-accent-soft font-medium text-accent'
                : 'border-line hover:bg-surface-2',
            )}
          >
            <t.icon aria-hidden="true" size={18} /> {t.label}
          </button>
        ))}
      </div>
    </Card>
  )
}

/** Desktop app only: start at login and native notifications for critical security events. */
export function DesktopSection() {
  const desktop = useApp((s) => s.desktop)
  const setDesktop = useApp((s) => s.setDesktop)
  if (!desktop) return null
  return (
    <Card>
      <CardHeader title="Desktop" description="How the app runs on this computer." />
      <div className="flex flex-col gap-3 px-4 py-4 text-sm">
        {desktop.start_at_login === null ? (
          <p className="text-muted">
            Start at login: add Keywarden to your desktop’s startup applications (with
            <code className="mx-1 font-mono text-xs">--hidden</code> to start in the tray).
          </p>
        ) : (
          <label className="flex items-center gap-2">
            <Checkbox
              checked={desktop.start_at_login}
              onChange={(e) => void setDesktop({ start_at_login: e.target.checked })}
            />
            Start Keywarden when I log in (the server runs in the tray)
          </label>
        )}
        <label className="flex items-center gap-2">
          <Checkbox
            checked={desktop.notify_critical}
            onChange={(e) => void setDesktop({ notify_critical: e.target.checked })}
          />
          Notify me of critical security events
        </label>
        <label className="flex items-center gap-2">
          <Checkbox
            checked={desktop.auto_update}
            onChange={(e) => void setDesktop({ auto_update: e.target.checked })}
          />
          Check for updates automatically
        </label>
      </div>
    </Card>
  )
}

/**
 * Where the logs are: the desktop app's folder (a button opens it in the desktop window; a
 * browser elsewhere could not), or the headless server's standard output.
 */
function LogFolder() {
  const dir = useApp((x) => x.system?.log_dir)
  const inWindow = useApp((x) => x.transport === 'ipc')
  const open = useApp((x) => x.openLogFolder)
  if (!dir) {
    return <dd className="text-muted">standard output of the server process (headless)</dd>
  }
  return (
    <dd className="flex min-w-0 items-center gap-1">
      <span className="truncate font-mono text-[13px]" title={dir}>
        {dir}
      </span>
      <CopyButton value={dir} label="log folder" />
      {inWindow && (
        <Button size="sm" onClick={() => void open()}>
          Open
        </Button>
      )}
    </dd>
  )
}

export function AboutSection() {
  const s = useApp((x) => x.system)
  const rows: [string, string | null | undefined][] = [
    ['Keywarden', s?.app_version],
    ['Node.js', s?.node],
    ['Electron', s?.electron ?? 'not running in Electron (headless)'],
    ['Chromium', s?.chrome],
    ['Database', s?.database],
    ['Platform', s?.platform],
    ['Database size', s ? fmtBytes(s.database_bytes) : undefined],
  ]
  return (
    <Card>
      <CardHeader title="About" />
      <dl className="grid grid-cols-[140px_1fr] gap-x-3 gap-y-1.5 px-4 py-4 text-sm">
        {rows.map(([k, v]) => (
          <div key={k} className="contents">
            <dt className="text-muted">{k}</dt>
            <dd>{v ?? '—'}</dd>
          </div>
        ))}
        <dt className="text-muted">Stored in</dt>
        <dd className="min-w-0 truncate font-mono text-[13px]" title={s?.database_file}>
          {s?.database_file ?? '—'}
        </dd>
        <dt className="text-muted">Data directory</dt>
        <dd className="flex min-w-0 items-center gap-1">
          <span className="truncate font-mono text-[13px]">{s?.data_dir ?? '—'}</span>
          {s && <CopyButton value={s.data_dir} label="data directory" />}
        </dd>
        <dt className="text-muted">Logs</dt>
        <LogFolder />
      </dl>
    </Card>
  )
}
