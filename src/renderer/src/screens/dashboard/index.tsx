import { useEffect } from 'react'
import { RefreshCw } from 'lucide-react'
import { useApp } from '../../store'
import { Page, PageHeader } from '../../components/ui/page'
import { Button } from '../../components/ui/button'
import { Skeleton } from '../../components/ui/skeleton'
import { fmtMoney, fmtNum } from '../../lib/format'
import { ActivityChart, OutcomesChart, SecurityChart } from './charts'
import { ActivityFeed } from './feed'
import { ServerCard } from './server-card'

function Stat({ label, value, hint }: { label: string; value: string; hint?: string }) {
  return (
    <div className="rounded-lg border border-line bg-surface px-4 py-3 shadow-sm">
      <div className="text-xs font-medium text-muted">{label}</div>
      <div
        className={`mt-1 font-semibold tabular-nums ${value.length > 7 ? 'text-xl' : 'text-2xl'}`}
      >
        {value}
      </div>
      {hint && <div className="mt-0.5 text-xs text-muted">{hint}</div>}
    </div>
  )
}

/** The vendor's daily view: totals, activity, charts, live feed, and the server. */
export function DashboardScreen() {
  const d = useApp((s) => s.dashboard)
  const error = useApp((s) => s.dashboardError)
  const load = useApp((s) => s.loadDashboard)

  useEffect(() => {
    void load()
    // Validations per minute is a sliding window: refresh it while the dashboard is open.
    const t = setInterval(() => void load(), 15_000)
    return () => clearInterval(t)
  }, [load])

  return (
    <Page>
      <PageHeader
        title="Dashboard"
        description="Your licenses and the activity of the apps that use them."
        actions={
          <Button size="sm" onClick={() => void load()} aria-label="Refresh dashboard">
            <RefreshCw aria-hidden="true" size={14} /> Refresh
          </Button>
        }
      />
      {error && (
        <p role="alert" className="mb-4 rounded-md bg-danger-soft px-3 py-2 text-sm text-danger">
          Could not load the dashboard: {error}
        </p>
      )}
      <section aria-label="Totals" className="grid grid-cols-2 gap-3 md:grid-cols-3 xl:grid-cols-6">
        {d ? (
          <>
            <Stat label="Products" value={fmtNum(d.totals.products)} />
            <Stat label="Licenses" value={fmtNum(d.totals.licenses)} />
            <Stat label="Active" value={fmtNum(d.totals.active)} />
            <Stat label="Expired" value={fmtNum(d.totals.expired)} />
            <Stat
              label="Suspended"
              value={fmtNum(d.totals.suspended)}
              hint={d.totals.banned ? `${fmtNum(d.totals.banned)} banned` : undefined}
            />
            <Stat
              label="Validations / min"
              value={fmtNum(d.validations_per_minute)}
              hint="live, last 60 s"
            />
          </>
        ) : (
          Array.from({ length: 6 }, (_, i) => <Skeleton key={i} className="h-[74px]" />)
        )}
      </section>
      <section aria-label="Activations" className="mt-3 grid grid-cols-2 gap-3 md:grid-cols-4">
        {d ? (
          <>
            <Stat label="Activations today" value={fmtNum(d.activations.today)} />
            <Stat label="This week" value={fmtNum(d.activations.week)} />
            <Stat label="This month" value={fmtNum(d.activations.month)} />
            <Stat
              label="Revenue"
              value={d.revenue ? fmtMoney(d.revenue.cents, d.revenue.currency) : '—'}
              hint={
                d.revenue
                  ? `${fmtNum(d.revenue.orders)} paid orders`
                  : 'Appears once the store sells'
              }
            />
          </>
        ) : (
          Array.from({ length: 4 }, (_, i) => <Skeleton key={i} className="h-[74px]" />)
        )}
      </section>
      <div className="mt-4 grid grid-cols-1 gap-4 xl:grid-cols-3">
        <div className="min-w-0 xl:col-span-2">
          <ActivityChart data={d?.daily} />
        </div>
        <ActivityFeed />
        <OutcomesChart data={d?.outcomes} />
        <SecurityChart data={d?.security} />
        <ServerCard />
      </div>
    </Page>
  )
}
