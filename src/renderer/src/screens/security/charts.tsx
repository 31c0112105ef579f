import {
  Area,
  AreaChart,
  Bar,
  BarChart,
  CartesianGrid,
  Cell,
  Legend,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts'
import type { SecurityStatsDto } from '@shared/channels/security'
import { Card, CardHeader } from '../../components/ui/card'
import { Skeleton } from '../../components/ui/skeleton'

// Theme tokens, so the charts follow light and dark like the dashboard's.
const v = (name: string) => `var(--kw-${name})`
const axis = { stroke: v('muted'), fontSize: 11, tickLine: false, axisLine: false } as const
const tooltip = {
  contentStyle: {
    background: v('surface'),
    border: `1px solid ${v('line')}`,
    borderRadius: 8,
    color: v('fg'),
    fontSize: 12,
  },
  labelStyle: { color: v('fg') },
}
const SEVERITY_COLOR: Record<string, string> = {
  info: v('muted'),
  low: v('accent'),
  medium: v('warn'),
  high: v('danger'),
  critical: v('danger'),
}

function ChartCard(props: {
  title: string
  description: string
  empty: boolean
  children: React.ReactNode
}) {
  return (
    <Card>
      <CardHeader title={props.title} description={props.description} />
      <div className="h-56 px-2 py-3">
        {props.empty ? (
          <div className="flex h-full items-center justify-center px-6 text-center text-sm text-muted">
            Nothing recorded yet: detections and blocked requests appear here as they happen.
          </div>
        ) : (
          props.children
        )}
      </div>
    </Card>
  )
}

/** Daily security events, blocked and critical, over the last 30 days. */
export function TrendChart({ data }: { data?: SecurityStatsDto['daily_trend'] }) {
  if (!data) return <Skeleton className="h-[290px]" />
  return (
    <ChartCard
      title="Daily trend"
      description="Security events per day, last 30 days (UTC)"
      empty={data.length === 0}
    >
      <ResponsiveContainer width="100%" height="100%">
        <AreaChart data={data} margin={{ left: 0, right: 12, top: 8 }}>
          <CartesianGrid stroke={v('line')} strokeDasharray="3 3" vertical={false} />
          <XAxis
            dataKey="date"
            {...axis}
            tickFormatter={(d: string) => d.slice(5)}
            minTickGap={24}
          />
          <YAxis {...axis} width={40} allowDecimals={false} />
          <Tooltip {...tooltip} />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          <Area
            type="monotone"
            dataKey="total"
            name="Events"
            stroke={v('accent')}
            fill={v('accent')}
            fillOpacity={0.15}
          />
          <Area
            type="monotone"
            dataKey="blocked"
            name="Blocked"
            stroke={v('warn')}
            fill={v('warn')}
            fillOpacity={0.15}
          />
          <Area
            type="monotone"
            dataKey="critical"
            name="Critical"
            stroke={v('danger')}
            fill={v('danger')}
            fillOpacity={0.15}
          />
        </AreaChart>
      </ResponsiveContainer>
    </ChartCard>
  )
}

/** Events per type over the last 30 days. */
export function TypeChart({ data }: { data?: SecurityStatsDto['events_by_type'] }) {
  if (!data) return <Skeleton className="h-[290px]" />
  return (
    <ChartCard title="By type" description="Last 30 days" empty={data.length === 0}>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data.slice(0, 8)} layout="vertical" margin={{ left: 8, right: 16 }}>
          <XAxis type="number" {...axis} allowDecimals={false} />
          <YAxis
            type="category"
            dataKey="type"
            {...axis}
            width={130}
            tickFormatter={(t: string) => t.replace(/_/g, ' ')}
          />
          <Tooltip {...tooltip} />
          <Bar dataKey="count" name="Events" fill={v('accent')} radius={[0, 4, 4, 0]} />
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
    <ChartCard title="By severity" description="Last 30 days" empty={data.length === 0}>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={rows} margin={{ left: 0, right: 12, top: 8 }}>
          <CartesianGrid stroke={v('line')} strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="severity" {...axis} />
          <YAxis {...axis} width={40} allowDecimals={false} />
          <Tooltip {...tooltip} />
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
