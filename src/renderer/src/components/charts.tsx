import type { ReactNode } from 'react'
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
import { Card, CardHeader } from './ui/card'

/**
 * What every recharts chart in the console shares: colours read from the theme tokens (so
 * charts follow light and dark), axis and tooltip styling, and the card a chart sits in.
 */
export const themeVar = (name: string) => `var(--kw-${name})`

export const chartAxis = {
  stroke: themeVar('muted'),
  fontSize: 11,
  tickLine: false,
  axisLine: false,
} as const

export const chartTooltip = {
  contentStyle: {
    background: themeVar('surface'),
    border: `1px solid ${themeVar('line')}`,
    borderRadius: 8,
    color: themeVar('fg'),
    fontSize: 12,
  },
  labelStyle: { color: themeVar('fg') },
}

/** A titled card holding one chart, or the sentence that says why there is nothing to draw. */
export function ChartCard({
  title,
  description,
  empty,
  heightClass = 'h-52',
  children,
}: {
  title: string
  description: string
  /** When set, shown instead of the chart. */
  empty?: string | null
  heightClass?: string
  children: ReactNode
}) {
  return (
    // min-w-0: a grid or flex cell may shrink the card, and the chart redraws to fit.
    <Card className="min-w-0">
      <CardHeader title={title} description={description} />
      <div className={`${heightClass} px-2 py-3`}>
        {empty ? (
          <div className="flex h-full items-center justify-center px-6 text-center text-sm text-muted">
            {empty}
          </div>
        ) : (
          children
        )}
      </div>
    </Card>
  )
}

export interface AreaSeries {
  key: string
  name: string
  /** A theme token name (`accent`, `ok`, `warn`, `danger`, ...). */
  color: string
  fillOpacity?: number
}

/**
 * Counts per day (`date` as YYYY-MM-DD) as stacked-over areas, one per series, drawn without
 * animation so that what a screenshot or a glance catches is the final picture.
 */
export function DailyAreaChart({
  data,
  series,
}: {
  data: ({ date: string } & Record<string, number | string>)[]
  series: AreaSeries[]
}) {
  return (
    <ResponsiveContainer width="100%" height="100%">
      <AreaChart data={data} margin={{ left: 0, right: 12, top: 8 }}>
        <CartesianGrid stroke={themeVar('line')} strokeDasharray="3 3" vertical={false} />
        <XAxis
          dataKey="date"
          {...chartAxis}
          tickFormatter={(d: string) => d.slice(5)}
          minTickGap={24}
        />
        <YAxis {...chartAxis} width={40} allowDecimals={false} />
        <Tooltip {...chartTooltip} />
        <Legend wrapperStyle={{ fontSize: 12 }} />
        {series.map((s) => (
          <Area
            key={s.key}
            isAnimationActive={false}
            type="monotone"
            dataKey={s.key}
            name={s.name}
            stroke={themeVar(s.color)}
            fill={themeVar(s.color)}
            fillOpacity={s.fillOpacity ?? 0.15}
          />
        ))}
      </AreaChart>
    </ResponsiveContainer>
  )
}

const SEVERITY_COLOR: Record<string, string> = {
  info: themeVar('muted'),
  low: themeVar('accent'),
  medium: themeVar('warn'),
  high: themeVar('danger'),
  critical: themeVar('danger'),
}

/** Events per severity as columns, each in its severity's colour (dashboard, security center). */
export function SeverityBarChart({ rows }: { rows: { severity: string; count: number }[] }) {
  return (
    <ResponsiveContainer width="100%" height="100%">
      <BarChart data={rows} margin={{ left: 0, right: 12, top: 8 }}>
        <CartesianGrid stroke={themeVar('line')} strokeDasharray="3 3" vertical={false} />
        <XAxis dataKey="severity" {...chartAxis} />
        <YAxis {...chartAxis} width={40} allowDecimals={false} />
        <Tooltip {...chartTooltip} cursor={{ fill: themeVar('surface-2') }} />
        <Bar isAnimationActive={false} dataKey="count" name="Events" radius={[4, 4, 0, 0]}>
          {rows.map((r) => (
            <Cell key={r.severity} fill={SEVERITY_COLOR[r.severity]} />
          ))}
        </Bar>
      </BarChart>
    </ResponsiveContainer>
  )
}
