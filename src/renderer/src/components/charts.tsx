import type { ReactNode } from 'react'
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
    <Card>
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
