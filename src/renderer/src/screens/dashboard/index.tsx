import { useEffect } from 'react'
import { RefreshCw } from 'lucide-react'
import type { RevenueFigure } from '@shared/channels/dashboard'
import { useApp } from '../../store'
import { Page, PageHeader } from '../../components/ui/page'
import { Button } from '../../components/ui/button'
import { Skeleton } from '../../components/ui/skeleton'
import { fmtMoney, fmtNum } from '../../lib/format'
import { ActivityChart, OutcomesChart, SecurityChart } from './charts'
import { ActivityFeed } from './feed'
import { ServerCard } from './server-card'
import { OnboardingCard } from './onboarding'

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

/** Revenue in every currency sold in (never converted), one line each, largest first. */
function RevenueStat({ label, figures }: { label: string; figures: RevenueFigure[] }) {
  const orders = figures.reduce((n, f) => n + f.orders, 0)
  return (
    <div className="rounded-lg border border-line bg-surface px-4 py-3 shadow-sm">
      <div className="text-xs font-medium text-muted">{label}</div>
      {figures.length === 0 ? (
        <div className="mt-1 text-2xl font-semibold">—</div>
      ) : (
        <ul aria-label={label} className="mt-1 flex flex-col">
          {figures.map((f) => (
            <li key={f.currency} className="text-xl font-semibold tabular-nums">
              {fmtMoney(f.cents, f.currency)}
            </li>
          ))}
        </ul>
      )}
      <div className="mt-0.5 text-xs text-muted">
        {figures.length ? `${fmtNum(orders)} paid orders` : 'No paid orders in this period'}
      </div>
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
      <OnboardingCard />
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
            <Stat
              label="Activations, last 30 days"
              value={fmtNum(d.activations.last_30_days)}
              hint="UTC days, as in Store › Analytics"
            />
            <RevenueStat label="Revenue today" figures={d.revenue.today} />
            <RevenueStat label="Revenue, last 30 days" figures={d.revenue.last_30_days} />
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
