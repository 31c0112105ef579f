import { useApp } from '../../store'
import { cn } from '../ui/cn'
import { CopyButton } from '../ui/copy'

/**
 * Up/down and the URL apps use to reach this server, always visible in the sidebar (`compact`:
 * the folded sidebar shows the dot, the rest is in its tooltip).
 */
export function ServerIndicator({ compact = false }: { compact?: boolean }) {
  const server = useApp((s) => s.server)
  const unreachable = useApp((s) => s.serverUnreachable)
  const up = !unreachable && server?.up === true
  const label =
    server === null && !unreachable ? 'Checking server…' : up ? 'Server running' : 'Server stopped'
  const full = `${label}${up && server?.url ? ` on ${server.url}` : ''}`
  return (
    <div
      role="status"
      aria-label={full}
      title={compact ? full : undefined}
      className={cn('rounded-md bg-surface-2 py-2', compact ? 'px-2' : 'px-2.5')}
    >
      <div
        className={cn(
          'flex items-center gap-2 text-[13px] font-medium',
          compact && 'justify-center',
        )}
      >
        <span
          aria-hidden="true"
          className={cn(
            'h-2 w-2 rounded-full',
            up ? 'bg-ok' : server === null && !unreachable ? 'bg-muted' : 'bg-danger',
          )}
        />
        {!compact && label}
      </div>
      {!compact && up && server?.url && (
        <div className="mt-0.5 flex items-center justify-between gap-1">
          <span className="truncate font-mono text-xs text-muted">{server.url}</span>
          <CopyButton value={server.url} label="server URL" />
        </div>
      )}
    </div>
  )
}
