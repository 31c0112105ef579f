import { Bar, BarChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts'
import type { SecurityStatsDto } from '@shared/channels/security'
import {
  ChartCard,
  DailyAreaChart,
  SeverityBarChart,
  chartAxis,
  chartTooltip,
  themeVar,
} from '../../components/charts'
import { Skeleton } from '../../components/ui/skeleton'

const NOTHING_YET =
  'Nothing recorded yet: detections and blocked requests appear here as they happen.'

/** Daily security events, blocked and critical, over the last 30 days. */
export function TrendChart({ data }: { data?: SecurityStatsDto['daily_trend'] }) {
  if (!data) return <Skeleton className="h-[290px]" />
  return (
    <ChartCard
      title="Daily trend"
      description="Security events per day, last 30 days (UTC)"
      empty={data.length === 0 ? NOTHING_YET : null}
      heightClass="h-56"
    >
      <DailyAreaChart
        data={data}
        series={[
          { key: 'total', name: 'Events', color: 'accent' },
          { key: 'blocked', name: 'Blocked', color: 'warn' },
          { key: 'critical', name: 'Critical', color: 'danger' },
        ]}
      />
    </ChartCard>
  )
}

/** Events per type over the last 30 days. */
export function TypeChart({ data }: { data?: SecurityStatsDto['events_by_type'] }) {
  if (!data) return <Skeleton className="h-[290px]" />
  return (
    <ChartCard
      title="By type"
      description="Last 30 days"
      empty={data.length === 0 ? NOTHING_YET : null}
      heightClass="h-56"
    >
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data.slice(0, 8)} layout="vertical" margin={{ left: 8, right: 16 }}>
          <XAxis type="number" {...chartAxis} allowDecimals={false} />
          <YAxis
            type="category"
            dataKey="type"
            {...chartAxis}
            width={130}
            tickFormatter={(t: string) => t.replace(/_/g, ' ')}
          />
          <Tooltip {...chartTooltip} />
          <Bar dataKey="count" name="Events" fill={themeVar('accent')} radius={[0, 4, 4, 0]} />
        </BarChart>
      </ResponsiveContainer>
    </ChartCard>
  )
}

/** Events per severity over the last 30 days. */
export function SeverityChart({ data }: { data?: SecurityStatsDto['events_by_severity'] }) {
  if (!data) return <Skeleton className="h-[290px]" />
  const order = ['info', 'low', 'medium', 'high', 'critical']
  const rows = order.map((s) => ({
    severity: s,
    count: data.find((d) => d.severity === s)?.count ?? 0,
  }))
  return (
    <ChartCard
      title="By severity"
      description="Last 30 days"
      empty={data.length === 0 ? NOTHING_YET : null}
      heightClass="h-56"
    >
      <SeverityBarChart rows={rows} />
    </ChartCard>
  )
}
