import { useEffect } from 'react'
import { RefreshCw } from 'lucide-react'
import { useApp } from '../../store'
import { Page, PageHeader } from '../../components/ui/page'
import { Button } from '../../components/ui/button'
import { Skeleton } from '../../components/ui/skeleton'
import { fmtNum } from '../../lib/format'
import { SeverityChart, TrendChart, TypeChart } from './charts'
import { QuickActions } from './quick-actions'
import { BlacklistCard } from './blacklist'
import { EventsCard } from './events'
import { IncidentsCard } from './incidents'
import { SecuritySettingsCard } from './settings'

function Stat({ label, value, tone }: { label: string; value: number; tone?: 'danger' | 'warn' }) {
  const color =
    tone === 'danger' && value > 0 ? 'text-danger' : tone === 'warn' && value > 0 ? 'text-warn' : ''
  return (
    <div className="rounded-lg border border-line bg-surface px-4 py-3 shadow-sm">
      <div className="text-xs font-medium text-muted">{label}</div>
      <div className={`mt-1 text-2xl font-semibold tabular-nums ${color}`}>{fmtNum(value)}</div>
    </div>
  )
}

/** The security center: overview, trends, quick blocks, blacklist and the event log. */
export function SecurityScreen() {
  const stats = useApp((s) => s.securityStats)
  const error = useApp((s) => s.securityError)
  const loadStats = useApp((s) => s.loadSecurityStats)
  const loadEvents = useApp((s) => s.loadSecurityEvents)
  const loadIncidents = useApp((s) => s.loadIncidents)
  // Blocks, the blacklist and detection thresholds are installation-wide: admins only.
  const isAdmin = useApp((s) => s.isAdmin)
  useEffect(() => {
    void loadStats()
    return useApp.getState().watchSecurity()
  }, [loadStats])
  const o = stats?.overview

  return (
    <Page>
      <PageHeader
        title="Security"
        description="Blocked requests, detections and the blacklist that protects every client API."
        actions={
          <Button
            size="sm"
            aria-label="Refresh security"
            onClick={() => (void loadStats(), void loadEvents(), void loadIncidents())}
          >
            <RefreshCw aria-hidden="true" size={14} /> Refresh
          </Button>
        }
      />
      {error && (
        <p role="alert" className="mb-4 rounded-md bg-danger-soft px-3 py-2 text-sm text-danger">
          {error}
        </p>
      )}
      <section aria-label="Overview" className="grid grid-cols-2 gap-3 md:grid-cols-5">
        {o ? (
          <>
            <Stat label="Security events today" value={o.today_events} />
            <Stat label="Critical today" value={o.critical_events} tone="danger" />
            <Stat label="Blocked today" value={o.blocked_attempts} tone="warn" />
            <Stat label="Active blacklist" value={o.active_blacklist} />
            <Stat label="Active sessions" value={o.active_sessions} />
          </>
        ) : (
          Array.from({ length: 5 }, (_, i) => <Skeleton key={i} className="h-[74px]" />)
        )}
      </section>
      {isAdmin && (
        <div className="mt-4">
          <IncidentsCard />
        </div>
      )}
      <div className="mt-4 grid grid-cols-1 gap-4 xl:grid-cols-3">
        <div className="min-w-0 xl:col-span-2">
          <TrendChart data={stats?.daily_trend} />
        </div>
        <SeverityChart data={stats?.events_by_severity} />
        {/* Without the quick blocks (admins only) the chart takes the whole row. */}
        <div className={isAdmin ? 'min-w-0' : 'min-w-0 xl:col-span-3'}>
          <TypeChart data={stats?.events_by_type} />
        </div>
        {isAdmin && (
          <div className="xl:col-span-2">
            <QuickActions />
          </div>
        )}
      </div>
      <div className="mt-4 flex flex-col gap-4 pb-6">
        {isAdmin && <BlacklistCard />}
        <EventsCard />
        {isAdmin && <SecuritySettingsCard />}
      </div>
    </Page>
  )
}
