import { useApp } from '../../store'
import { cn } from '../ui/cn'
import { CopyButton } from '../ui/copy'

/** Up/down and the URL apps use to reach this server, always visible in the sidebar. */
export function ServerIndicator() {
  const server = useApp((s) => s.server)
  const unreachable = useApp((s) => s.serverUnreachable)
  const up = !unreachable && server?.up === true
  const label =
    server === null && !unreachable ? 'Checking server…' : up ? 'Server running' : 'Server stopped'
  return (
    <div
      role="status"
      aria-label={`${label}${up && server?.url ? ` on ${server.url}` : ''}`}
      className="rounded-md bg-surface-2 px-2.5 py-2"
    >
      <div className="flex items-center gap-2 text-[13px] font-medium">
        <span
          aria-hidden="true"
          className={cn(
            'h-2 w-2 rounded-full',
            up ? 'bg-ok' : server === null && !unreachable ? 'bg-muted' : 'bg-danger',
          )}
        />
        {label}
      </div>
      {up && server?.url && (
        <div className="mt-0.5 flex items-center justify-between gap-1">
          <span className="truncate font-mono text-xs text-muted">{server.url}</span>
          <CopyButton value={server.url} label="server URL" />
        </div>
      )}
    </div>
  )
}
