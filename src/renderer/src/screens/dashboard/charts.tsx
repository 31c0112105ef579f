import { Bar, BarChart, Cell, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts'
import type { DashboardStats } from '@shared/channels/dashboard'
import {
  ChartCard,
  DailyAreaChart,
  SeverityBarChart,
  chartAxis,
  chartTooltip,
  themeVar,
} from '../../components/charts'
import { Skeleton } from '../../components/ui/skeleton'

export function ActivityChart({ data }: { data?: DashboardStats['daily'] }) {
  if (!data) return <Skeleton className="h-[310px]" />
  const empty = data.every((d) => !d.activations && !d.validations)
  return (
    <ChartCard
      title="Activations and validations"
      description="Per day, last 30 days (UTC)"
      empty={
        empty
          ? 'No activations or validations yet. They appear here as soon as your app calls the server.'
          : null
      }
    >
      <DailyAreaChart
        data={data}
        series={[
          { key: 'validations', name: 'Validations', color: 'accent' },
          { key: 'activations', name: 'Activations', color: 'ok', fillOpacity: 0.2 },
        ]}
      />
    </ChartCard>
  )
}

export function OutcomesChart({ data }: { data?: DashboardStats['outcomes'] }) {
  if (!data) return <Skeleton className="h-[310px]" />
  return (
    <ChartCard
      title="Validation outcomes"
      description="Last 30 days"
      empty={data.length ? null : 'No validations in the last 30 days.'}
    >
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} layout="vertical" margin={{ left: 8, right: 16 }}>
          <XAxis type="number" {...chartAxis} allowDecimals={false} />
          <YAxis type="category" dataKey="outcome" {...chartAxis} width={130} />
          <Tooltip {...chartTooltip} cursor={{ fill: themeVar('surface-2') }} />
          <Bar isAnimationActive={false} dataKey="count" name="Validations" radius={[0, 4, 4, 0]}>
            {data.map((d) => (
              <Cell
                key={d.outcome}
                fill={d.outcome === 'valid' ? themeVar('ok') : themeVar('danger')}
              />
            ))}
          </Bar>
        </BarChart>
      </ResponsiveContainer>
    </ChartCard>
  )
}

export function SecurityChart({ data }: { data?: DashboardStats['security'] }) {
  if (!data) return <Skeleton className="h-[310px]" />
  const none = data.every((d) => d.count === 0)
  return (
    <ChartCard
      title="Security events"
      description="By severity, last 30 days"
      empty={none ? 'No security events in the last 30 days.' : null}
    >
      <SeverityBarChart rows={data} />
    </ChartCard>
  )
}
