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
import type { DashboardStats } from '@shared/channels/dashboard'
import { Card, CardHeader } from '../../components/ui/card'
import { Skeleton } from '../../components/ui/skeleton'

// Colours read from the theme tokens so charts follow light/dark.
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

function ChartCard({
  title,
  description,
  children,
  empty,
}: {
  title: string
  description: string
  children: React.ReactNode
  empty?: string | null
}) {
  return (
    <Card>
      <CardHeader title={title} description={description} />
      <div className="h-52 px-2 py-3">
        {empty ? (
          <div className="flex h-full items-center justify-center text-center text-sm text-muted">
            {empty}
          </div>
        ) : (
          children
        )}
      </div>
    </Card>
  )
}

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
            isAnimationActive={false}
            type="monotone"
            dataKey="validations"
            name="Validations"
            stroke={v('accent')}
            fill={v('accent')}
            fillOpacity={0.15}
          />
          <Area
            isAnimationActive={false}
            type="monotone"
            dataKey="activations"
            name="Activations"
            stroke={v('ok')}
            fill={v('ok')}
            fillOpacity={0.2}
          />
        </AreaChart>
      </ResponsiveContainer>
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
          <XAxis type="number" {...axis} allowDecimals={false} />
          <YAxis type="category" dataKey="outcome" {...axis} width={130} />
          <Tooltip {...tooltip} cursor={{ fill: v('surface-2') }} />
          <Bar isAnimationActive={false} dataKey="count" name="Validations" radius={[0, 4, 4, 0]}>
            {data.map((d) => (
              <Cell key={d.outcome} fill={d.outcome === 'valid' ? v('ok') : v('danger')} />
            ))}
          </Bar>
        </BarChart>
      </ResponsiveContainer>
    </ChartCard>
  )
}

const SEV_COLOR: Record<string, string> = {
  low: v('accent'),
  medium: v('warn'),
  high: v('danger'),
  critical: v('danger'),
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
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} margin={{ left: 0, right: 12, top: 8 }}>
          <CartesianGrid stroke={v('line')} strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="severity" {...axis} />
          <YAxis {...axis} width={36} allowDecimals={false} />
          <Tooltip {...tooltip} cursor={{ fill: v('surface-2') }} />
          <Bar isAnimationActive={false} dataKey="count" name="Events" radius={[4, 4, 0, 0]}>
            {data.map((d) => (
              <Cell key={d.severity} fill={SEV_COLOR[d.severity]} />
            ))}
          </Bar>
        </BarChart>
      </ResponsiveContainer>
    </ChartCard>
  )
}
