import { Activity } from 'lucide-react'
import { useApp } from '../../store'
import { Card, CardHeader } from '../../components/ui/card'
import { StatusBadge } from '../../components/ui/badge'
import { SkeletonRows } from '../../components/ui/skeleton'
import { EmptyState } from '../../components/ui/empty'
import { eventLabel, fmtNum, fmtRelative } from '../../lib/format'
import { collapseFeed } from '../../lib/feed'

/** The recent-activity feed; new events are pushed in (IPC or SSE), never polled. */
export function ActivityFeed() {
  const events = useApp((s) => s.activity)
  const loaded = useApp((s) => s.activityLoaded)
  return (
    <Card className="flex flex-col">
      <CardHeader title="Recent activity" description="Updates live" />
      {/* Scrolls: focusable so keyboard users can scroll it too. */}
      <div
        className="h-52 min-h-0 overflow-y-auto"
        tabIndex={0}
        role="region"
        aria-label="Recent activity, scrollable"
      >
        {!loaded ? (
          <SkeletonRows rows={5} />
        ) : events.length === 0 ? (
          <EmptyState icon={Activity} title="No activity yet">
            Create a product and a license: every change and every call from your apps shows here.
          </EmptyState>
        ) : (
          <ol aria-label="Recent activity" aria-live="polite" className="divide-y divide-line">
            {collapseFeed(events)
              .slice(0, 50)
              .map(({ event: e, count, source }) => {
                const text = `${eventLabel(e.type)}${count > 1 ? ` ×${fmtNum(count)}` : ''}${source ? ` from ${source}` : ''}`
                return (
                  <li key={e.id} className="flex items-center gap-3 px-4 py-2 text-sm">
                    <StatusBadge value={e.severity} />
                    <span className="min-w-0 flex-1 truncate" title={text}>
                      {text}
                    </span>
                    <time
                      dateTime={e.created_at}
                      title={new Date(e.created_at).toLocaleString()}
                      className="shrink-0 text-xs text-muted"
                    >
                      {fmtRelative(e.created_at)}
                    </time>
                  </li>
                )
              })}
          </ol>
        )}
      </div>
    </Card>
  )
}
