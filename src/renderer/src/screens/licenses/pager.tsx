import { ChevronLeft, ChevronRight } from 'lucide-react'
import { useApp } from '../../store'
import { Button } from '../../components/ui/button'
import { useState } from 'react'
import { Input, Select } from '../../components/ui/input'
import { fmtNum } from '../../lib/format'

/** Server-side pages: position, page size, and how long the server took to answer. */
export function Pager() {
  const page = useApp((s) => s.licensePage)!
  const ms = useApp((s) => s.licensesMs)
  const setPage = useApp((s) => s.setLicensePage)
  const pages = Math.max(1, Math.ceil(page.total / page.limit))
  const from = (page.page - 1) * page.limit + 1
  const to = Math.min(page.total, page.page * page.limit)
  const [jump, setJump] = useState('')
  return (
    <div className="flex flex-wrap items-center justify-between gap-3 border-t border-line px-4 py-2 text-[13px] text-muted">
      <span aria-live="polite">
        {fmtNum(from)}–{fmtNum(to)} of {fmtNum(page.total)} licenses
        {ms !== null && <span className="ml-2 text-xs">({ms} ms)</span>}
      </span>
      <div className="flex items-center gap-2">
        <label className="flex items-center gap-2">
          Rows
          <Select
            aria-label="Rows per page"
            className="h-8 w-24"
            value={page.limit}
            onChange={(e) => setPage(1, Number(e.target.value))}
          >
            {[50, 100, 250, 500].map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </Select>
        </label>
        <Button
          size="icon"
          variant="ghost"
          aria-label="Previous page"
          disabled={page.page <= 1}
          onClick={() => setPage(page.page - 1)}
        >
          <ChevronLeft aria-hidden="true" size={16} />
        </Button>
        <form
          className="flex items-center gap-1.5"
          onSubmit={(e) => {
            e.preventDefault()
            const n = Number(jump)
            if (Number.isInteger(n) && n >= 1 && n <= pages) setPage(n)
            setJump('')
          }}
        >
          <label className="flex items-center gap-1.5 tabular-nums">
            Page
            <Input
              aria-label={`Go to page (1 to ${pages})`}
              className="h-8 w-16 text-center"
              inputMode="numeric"
              placeholder={String(page.page)}
              value={jump}
              onChange={(e) => setJump(e.target.value.replace(/[^0-9]/g, ''))}
            />
          </label>
          <span className="tabular-nums">of {fmtNum(pages)}</span>
        </form>
        <Button
          size="icon"
          variant="ghost"
          aria-label="Next page"
          disabled={page.page >= pages}
          onClick={() => setPage(page.page + 1)}
        >
          <ChevronRight aria-hidden="true" size={16} />
        </Button>
      </div>
    </div>
  )
}
