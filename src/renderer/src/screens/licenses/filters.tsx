import { CalendarRange, Search, X } from 'lucide-react'
import { useEffect, useState } from 'react'
import { useApp } from '../../store'
import { Input, Select } from '../../components/ui/input'
import { Button } from '../../components/ui/button'

const toIso = (d: string, end = false) =>
  d ? new Date(`${d}T${end ? '23:59:59.999' : '00:00:00.000'}Z`).toISOString() : undefined

/** Search (debounced) and filters; each change reloads page 1 from the server. */
export function Filters() {
  const query = useApp((s) => s.licenseQuery)
  const setQuery = useApp((s) => s.setLicenseQuery)
  const products = useApp((s) => s.products)
  const [text, setText] = useState(query.q ?? '')

  useEffect(() => {
    const q = text.trim() || undefined
    if (q === query.q) return
    const t = setTimeout(() => setQuery({ q }), 250)
    return () => clearTimeout(t)
  }, [text, query.q, setQuery])

  const any =
    query.q ||
    query.product_id ||
    query.status ||
    query.type ||
    query.expires_from ||
    query.expires_to
  return (
    <div role="search" aria-label="Filter licenses" className="flex flex-wrap items-center gap-2">
      <div className="relative min-w-[200px] flex-1">
        <Search
          aria-hidden="true"
          size={15}
          className="pointer-events-none absolute top-1/2 left-3 -translate-y-1/2 text-muted"
        />
        <Input
          data-shortcut="search"
          type="search"
          aria-label="Search licenses"
          placeholder="Key prefix, email or metadata  ( / )"
          value={text}
          onChange={(e) => setText(e.target.value)}
          className="pl-9"
        />
      </div>
      <Select
        aria-label="Product"
        className="w-auto min-w-40"
        value={query.product_id ?? ''}
        onChange={(e) => setQuery({ product_id: e.target.value || undefined })}
      >
        <option value="">All products</option>
        {products.map((p) => (
          <option key={p.id} value={p.id}>
            {p.name}
          </option>
        ))}
      </Select>
      <Select
        aria-label="Status"
        className="w-auto min-w-36"
        value={query.status ?? ''}
        onChange={(e) => setQuery({ status: (e.target.value || undefined) as typeof query.status })}
      >
        <option value="">Any status</option>
        <option value="active">Active</option>
        <option value="expired">Expired</option>
        <option value="suspended">Suspended</option>
        <option value="banned">Banned</option>
      </Select>
      <Select
        aria-label="Type"
        className="w-auto min-w-36"
        value={query.type ?? ''}
        onChange={(e) => setQuery({ type: (e.target.value || undefined) as typeof query.type })}
      >
        <option value="">Any type</option>
        <option value="trial">Trial</option>
        <option value="subscription">Subscription</option>
        <option value="lifetime">Lifetime</option>
      </Select>
      <ExpiryRange />
      {any && (
        <Button
          variant="ghost"
          size="sm"
          onClick={() => {
            setText('')
            setQuery({
              q: undefined,
              product_id: undefined,
              status: undefined,
              type: undefined,
              expires_from: undefined,
              expires_to: undefined,
            })
          }}
        >
          <X aria-hidden="true" size={14} /> Clear
        </Button>
      )}
    </div>
  )
}

/**
 * The expiry range: behind one button until used (two date inputs are eight Tab stops, between
 * the search box and the results), open while a range is set.
 */
function ExpiryRange() {
  const query = useApp((s) => s.licenseQuery)
  const setQuery = useApp((s) => s.setLicenseQuery)
  const set = Boolean(query.expires_from || query.expires_to)
  const [open, setOpen] = useState(set)
  if (!open && !set)
    return (
      <Button variant="ghost" size="sm" aria-expanded={false} onClick={() => setOpen(true)}>
        <CalendarRange aria-hidden="true" size={14} /> Expiry range
      </Button>
    )
  return (
    <div
      role="group"
      aria-label="Expiry range"
      className="flex items-center gap-1.5 text-xs text-muted"
    >
      Expires
      <Input
        type="date"
        aria-label="Expires from"
        autoFocus={!set}
        className="w-36"
        value={query.expires_from?.slice(0, 10) ?? ''}
        onChange={(e) => setQuery({ expires_from: toIso(e.target.value) })}
      />
      to
      <Input
        type="date"
        aria-label="Expires to"
        className="w-36"
        value={query.expires_to?.slice(0, 10) ?? ''}
        onChange={(e) => setQuery({ expires_to: toIso(e.target.value, true) })}
      />
    </div>
  )
}
