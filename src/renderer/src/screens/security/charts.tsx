import {
  Bar,
  BarChart,
  CartesianGrid,
  Cell,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts'
import type { SecurityStatsDto } from '@shared/channels/security'
import {
  ChartCard,
  DailyAreaChart,
  chartAxis,
  chartTooltip,
  themeVar,
} from '../../components/charts'
import { Skeleton } from '../../components/ui/skeleton'

const SEVERITY_COLOR: Record<string, string> = {
  info: themeVar('muted'),
  low: themeVar('accent'),
  medium: themeVar('warn'),
  high: themeVar('danger'),
  critical: themeVar('danger'),
}
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
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={rows} margin={{ left: 0, right: 12, top: 8 }}>
          <CartesianGrid stroke={themeVar('line')} strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="severity" {...chartAxis} />
          <YAxis {...chartAxis} width={40} allowDecimals={false} />
          <Tooltip {...chartTooltip} />
          <Bar dataKey="count" name="Events" radius={[4, 4, 0, 0]}>
            {rows.map((r) => (
              <Cell key={r.severity} fill={SEVERITY_COLOR[r.severity]} />
            ))}
          </Bar>
        </BarChart>
      </ResponsiveContainer>
    </ChartCard>
  )
}
