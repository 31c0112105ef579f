import { useEffect, useState } from 'react'
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts'
import { useApp } from '../../store'
import { Card, CardHeader } from '../../components/ui/card'
import { chartAxis, chartTooltip, themeVar } from '../../components/charts'
import { Skeleton } from '../../components/ui/skeleton'
import { Select } from '../../components/ui/input'
import { periodLabel } from '@shared/period'
import { fmtMoney, fmtNum } from '../../lib/format'

function money(m: Record<string, number>): string {
  const parts = Object.entries(m).map(([c, x]) => fmtMoney(x, c))
  // Currencies side by side, never summed ("€30.00 · $21.00").
  return parts.length ? parts.join(' · ') : fmtMoney(0, 'USD')
}

/** Revenue, orders and activations over the last 30 days, per day and per product. */
export function AnalyticsTab() {
  const a = useApp((s) => s.analytics)
  const load = useApp((s) => s.loadAnalytics)
  const [picked, setPicked] = useState<string | null>(null)
  useEffect(() => {
    void load()
  }, [load])
  if (!a) return <Skeleton className="h-[320px]" />
  // Currencies are never added together: the chart shows one, chosen here (largest first).
  const currencies = Object.entries(a.totals.revenue_cents)
    .sort((x, y) => Math.abs(y[1]) - Math.abs(x[1]))
    .map(([c]) => c)
  const currency = picked && currencies.includes(picked) ? picked : (currencies[0] ?? 'USD')
  const period = periodLabel(a.from, a.to)
  const days = a.days.map((d) => ({
    date: d.date.slice(5),
    revenue: (d.revenue_cents[currency] ?? 0) / 100,
    orders: d.orders,
    activations: d.activations,
  }))
  return (
    <div className="flex flex-col gap-4">
      <dl aria-label={`Totals, ${period}`} className="grid grid-cols-2 gap-3 md:grid-cols-4">
        {[
          [`Revenue, ${period}`, money(a.totals.revenue_cents)],
          [`Orders, ${period}`, fmtNum(a.totals.orders)],
          [`Paid orders, ${period}`, fmtNum(a.totals.paid_orders)],
          [`Activations, ${period}`, fmtNum(a.totals.activations)],
        ].map(([label, value]) => (
          // A <div> (not a Card's <section>): a <dl> may only group its dt/dd pairs in divs.
          <div key={label} className="rounded-lg border border-line bg-surface px-4 py-3 shadow-sm">
            <dt className="text-xs text-muted">{label}</dt>
            <dd className="text-lg font-semibold tabular-nums">{value}</dd>
          </div>
        ))}
      </dl>
      <Card>
        <CardHeader
          title={`Revenue per day (${currency})`}
          description="Orders paid that day, refunds subtracted on the day of the refund (UTC days)."
          actions={
            currencies.length > 1 && (
              <label className="flex items-center gap-2 text-xs text-muted">
                Currency
                <Select
                  value={currency}
                  onChange={(e) => setPicked(e.target.value)}
                  className="h-8 w-24"
                >
                  {currencies.map((c) => (
                    <option key={c}>{c}</option>
                  ))}
                </Select>
              </label>
            )
          }
        />
        <div className="h-60 px-2 py-3">
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={days}>
              <CartesianGrid stroke={themeVar('line')} vertical={false} />
              <XAxis dataKey="date" {...chartAxis} />
              <YAxis {...chartAxis} />
              <Tooltip {...chartTooltip} />
              <Bar
                dataKey="revenue"
                name={`Revenue (${currency})`}
                fill={themeVar('accent')}
                radius={[3, 3, 0, 0]}
              />
            </BarChart>
          </ResponsiveContainer>
        </div>
      </Card>
      <Card>
        <CardHeader
          title="Orders and activations per day"
          description="Orders created, and successful activations (the dashboard counts the same)."
        />
        <div className="h-60 px-2 py-3">
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={days}>
              <CartesianGrid stroke={themeVar('line')} vertical={false} />
              <XAxis dataKey="date" {...chartAxis} />
              <YAxis {...chartAxis} allowDecimals={false} />
              <Tooltip {...chartTooltip} />
              <Legend wrapperStyle={{ fontSize: 12 }} />
              <Bar dataKey="orders" name="Orders" fill={themeVar('accent')} radius={[3, 3, 0, 0]} />
              <Bar
                dataKey="activations"
                name="Activations"
                fill={themeVar('ok')}
                radius={[3, 3, 0, 0]}
              />
            </BarChart>
          </ResponsiveContainer>
        </div>
      </Card>
      <Card>
        <CardHeader title="Per product" />
        <table className="w-full text-sm">
          <thead className="text-left text-xs text-muted">
            <tr>
              <th className="px-4 py-2 font-medium">Product</th>
              <th className="px-4 py-2 font-medium">Orders</th>
              <th className="px-4 py-2 font-medium">Paid</th>
              <th className="px-4 py-2 font-medium">Revenue</th>
              <th className="px-4 py-2 font-medium">Activations</th>
            </tr>
          </thead>
          <tbody>
            {a.products.map((p) => (
              <tr key={p.product_id} className="border-t border-line">
                <td className="px-4 py-2">{p.name}</td>
                <td className="px-4 py-2 tabular-nums">{fmtNum(p.orders)}</td>
                <td className="px-4 py-2 tabular-nums">{fmtNum(p.paid_orders)}</td>
                <td className="px-4 py-2 tabular-nums">{money(p.revenue_cents)}</td>
                <td className="px-4 py-2 tabular-nums">{fmtNum(p.activations)}</td>
              </tr>
            ))}
            {a.products.length === 0 && (
              <tr>
                <td colSpan={5} className="px-4 py-3 text-muted">
                  No sales or activations in this period.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </Card>
    </div>
  )
}
