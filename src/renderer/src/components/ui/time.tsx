import { fmtDateTime, fmtRelative } from '../../lib/format'

/** A moment shown relative ("3 min ago"), the absolute local time in its tooltip. */
export function Time({ iso, never = '—' }: { iso: string | null | undefined; never?: string }) {
  if (!iso) return <span className="text-muted">{never}</span>
  return (
    <time dateTime={iso} title={fmtDateTime(iso)} className="whitespace-nowrap tabular-nums">
      {fmtRelative(iso)}
    </time>
  )
}
