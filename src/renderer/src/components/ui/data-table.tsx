import { createColumnHelper, tableFeatures, useTable } from '@tanstack/react-table'
import { useVirtualizer } from '@tanstack/react-virtual'
import { ArrowDown, ArrowUp, ArrowUpDown } from 'lucide-react'
import {
  useEffect,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
  type MouseEvent,
  type ReactNode,
} from 'react'
import { useMedia, useStored, WIDE } from '../../lib/hooks'
import { Checkbox } from './input'
import { ColumnChooser } from './column-chooser'
import { cn } from './cn'

export interface ColumnSpec<T extends object> {
  id: string
  header: string
  /** CSS grid track, e.g. 'minmax(0,2fr)' or '120px'. */
  width: string
  /** Narrowest the column gets (px): a flexible track never shrinks below it (default 96). */
  minWidth?: number
  /** Low priority: hidden below 1200 px unless brought back from the Columns menu. */
  optional?: boolean
  cell(row: T): ReactNode
  /** When set, the header sorts the (server-side) query by this key. */
  sortKey?: string
}

export interface Sorting {
  sort: string
  order: 'asc' | 'desc'
}

interface DataTableProps<T extends object> {
  label: string
  rows: T[]
  columns: ColumnSpec<T>[]
  rowId(row: T): string
  /** Number of rows before this page, for aria-rowindex. */
  offset?: number
  total?: number
  sorting?: Sorting
  onSort?(key: string): void
  selected?: Record<string, unknown>
  onToggle?(row: T): void
  onToggleAll?(on: boolean): void
  onOpen?(row: T): void
  rowLabel?(row: T): string
  rowHeight?: number
}

const features = tableFeatures({})
const SELECT_TRACK = 44
const CHOOSER_TRACK = 40

/** A column's grid track with its minimum applied, and that minimum in px. */
function track(c: ColumnSpec<object>): { track: string; min: number } {
  const min = c.minWidth ?? Number(/^(?:minmax\()?(\d+)px/.exec(c.width)?.[1] ?? 96)
  return { track: c.width.replace(/^minmax\(0,/, `minmax(${min}px,`), min }
}

/** A cell cut off by its column shows its whole text as a tooltip. */
function titleIfTruncated(e: MouseEvent<HTMLElement>): void {
  const el = e.currentTarget
  if (el.scrollWidth > el.clientWidth) el.title = el.textContent ?? ''
  else el.removeAttribute('title')
}

const MOVES: Record<string, (i: number, last: number) => number> = {
  ArrowDown: (i, last) => Math.min(i + 1, last),
  j: (i, last) => Math.min(i + 1, last),
  ArrowUp: (i) => Math.max(i - 1, 0),
  k: (i) => Math.max(i - 1, 0),
  Home: () => 0,
  End: (_i, last) => last,
}

/**
 * A virtualized table: only the visible rows are in the DOM, so a page of hundreds of rows
 * scrolls smoothly; paging, sorting and filtering happen on the server. Columns keep a minimum
 * width inside a horizontal scroller, and low-priority ones hide on a narrow window (the
 * Columns menu brings them back, remembered per table). For the keyboard the rows are one tab
 * stop (roving tabindex): ↑/↓ or j/k move, Home/End jump, Enter opens, Space selects; the
 * header's controls are one more stop (←/→ between them).
 */
export function DataTable<T extends object>(props: DataTableProps<T>) {
  const { rows, rowId, selected, onToggle, onToggleAll, onOpen, sorting, onSort, label } = props
  const rowHeight = props.rowHeight ?? 40
  const wide = useMedia(WIDE)
  const [chosen, setChosen] = useStored<Record<string, boolean>>(`keywarden.columns.${label}`, {})
  const optional = props.columns.filter((c) => c.optional)
  const isVisible = (id: string) =>
    chosen[id] ?? (wide || !props.columns.find((c) => c.id === id)?.optional)
  const columns = props.columns.filter((c) => isVisible(c.id))
  const helper = createColumnHelper<typeof features, T>()
  const defs = useMemo(
    () =>
      columns.map((c) =>
        helper.display({ id: c.id, header: c.header, cell: (ctx) => c.cell(ctx.row.original) }),
      ),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [columns.map((c) => c.id).join(), props.columns],
  )
  const table = useTable({ features, columns: defs, data: rows, getRowId: (r: T) => rowId(r) })
  const modelRows = table.getRowModel().rows
  const scrollRef = useRef<HTMLDivElement>(null)
  // eslint-disable-next-line react-hooks/incompatible-library -- TanStack Virtual returns fresh functions each render by design
  const virtualizer = useVirtualizer({
    count: modelRows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 12,
  })
  const tracks = columns.map((c) => track(c as ColumnSpec<object>))
  const template = [
    selected ? `${SELECT_TRACK}px` : null,
    ...tracks.map((t) => t.track),
    optional.length ? `${CHOOSER_TRACK}px` : null,
  ]
    .filter(Boolean)
    .join(' ')
  const minWidth =
    tracks.reduce((n, t) => n + t.min, 0) +
    (selected ? SELECT_TRACK : 0) +
    (optional.length ? CHOOSER_TRACK : 0)
  const allOn = rows.length > 0 && rows.every((r) => selected?.[rowId(r)])

  // Roving focus: one row is the table's tab stop; moving focuses the next row once rendered.
  const [active, setActive] = useState(0)
  const current = Math.min(active, Math.max(rows.length - 1, 0))
  const pendingFocus = useRef<number | null>(null)
  useEffect(() => {
    if (pendingFocus.current === null) return
    const el = scrollRef.current?.querySelector<HTMLElement>(
      `[data-index="${pendingFocus.current}"]`,
    )
    if (el) {
      el.focus()
      pendingFocus.current = null
    }
  })
  // The header's controls (select all, sort buttons, Columns) are one tab stop too: ←/→ move.
  const headRef = useRef<HTMLDivElement>(null)
  const headItems = () => [
    ...(headRef.current?.querySelectorAll<HTMLElement>('button,input') ?? []),
  ]
  useEffect(() => {
    const items = headItems()
    const stop = items.find((el) => el.dataset.roving && el.tabIndex === 0) ?? items[0]
    for (const el of items) {
      el.dataset.roving = '1'
      el.tabIndex = el === stop ? 0 : -1
    }
  })
  const onHeadKey = (e: KeyboardEvent<HTMLElement>) => {
    const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0
    const items = headItems()
    const at = items.indexOf(e.target as HTMLElement)
    if (!step || at < 0) return
    e.preventDefault()
    const next = items[Math.min(Math.max(at + step, 0), items.length - 1)]
    for (const el of items) el.tabIndex = el === next ? 0 : -1
    next.focus()
  }
  const onRowKey = (e: KeyboardEvent<HTMLElement>, index: number, data: T) => {
    if (e.target !== e.currentTarget || e.ctrlKey || e.metaKey || e.altKey) return
    const move = MOVES[e.key]
    if (move) {
      e.preventDefault()
      const next = move(index, rows.length - 1)
      pendingFocus.current = next
      setActive(next)
      virtualizer.scrollToIndex(next)
    } else if (e.key === 'Enter') {
      // Without preventDefault the Enter also "clicks" whatever the opened drawer focused
      // first (its Close button), closing it again straight away.
      e.preventDefault()
      onOpen?.(data)
    } else if (e.key === ' ' && selected) {
      e.preventDefault()
      onToggle?.(data)
    }
  }

  return (
    <div
      role="table"
      aria-label={label}
      aria-rowcount={(props.total ?? rows.length) + 1}
      className="flex min-h-0 flex-1 flex-col overflow-x-auto overflow-y-hidden"
    >
      <div role="rowgroup" className="border-b border-line bg-surface-2" style={{ minWidth }}>
        <div
          ref={headRef}
          role="row"
          aria-rowindex={1}
          onKeyDown={onHeadKey}
          className="grid items-center text-xs font-semibold text-muted"
          style={{ gridTemplateColumns: template }}
        >
          {selected && (
            <div role="columnheader" className="flex justify-center px-3 py-2">
              <Checkbox
                aria-label="Select all rows on this page"
                checked={allOn}
                onChange={(e) => onToggleAll?.(e.target.checked)}
              />
            </div>
          )}
          {table.getHeaderGroups()[0].headers.map((h, i) => {
            const c = columns[i]
            const on = c.sortKey && sorting?.sort === c.sortKey
            return (
              <div
                key={h.id}
                role="columnheader"
                aria-sort={on ? (sorting!.order === 'asc' ? 'ascending' : 'descending') : undefined}
                className="truncate px-3 py-2 whitespace-nowrap"
                title={c.header}
              >
                {c.sortKey && onSort ? (
                  <button
                    type="button"
                    className="inline-flex max-w-full items-center gap-1 whitespace-nowrap hover:text-fg"
                    onClick={() => onSort(c.sortKey!)}
                  >
                    <span className="truncate">{c.header}</span>
                    {on ? (
                      sorting!.order === 'asc' ? (
                        <ArrowUp aria-hidden="true" size={12} className="shrink-0" />
                      ) : (
                        <ArrowDown aria-hidden="true" size={12} className="shrink-0" />
                      )
                    ) : (
                      <ArrowUpDown aria-hidden="true" size={12} className="shrink-0 opacity-50" />
                    )}
                  </button>
                ) : (
                  c.header
                )}
              </div>
            )
          })}
          {optional.length > 0 && (
            <div role="columnheader" aria-label="Columns" className="flex justify-center">
              <ColumnChooser
                columns={optional}
                isVisible={isVisible}
                onChange={(id, on) => setChosen({ ...chosen, [id]: on })}
              />
            </div>
          )}
        </div>
      </div>
      <div
        ref={scrollRef}
        role="rowgroup"
        // Without focusable rows the scroller itself takes focus, so keyboards can scroll it.
        tabIndex={onOpen ? undefined : 0}
        aria-label={onOpen ? undefined : `${label} rows`}
        className="relative min-h-0 flex-1 overflow-x-hidden overflow-y-auto"
        style={{ minWidth }}
      >
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((v) => {
            const row = modelRows[v.index]
            const data = row.original
            const id = row.id
            const isSel = Boolean(selected?.[id])
            return (
              <div
                key={id}
                role="row"
                data-index={v.index}
                aria-rowindex={(props.offset ?? 0) + v.index + 2}
                aria-selected={selected ? isSel : undefined}
                tabIndex={onOpen ? (v.index === current ? 0 : -1) : undefined}
                aria-label={props.rowLabel?.(data)}
                onFocus={(e) => e.target === e.currentTarget && setActive(v.index)}
                onKeyDown={(e) => onRowKey(e, v.index, data)}
                onClick={(e) => {
                  if ((e.target as HTMLElement).closest('input,button,a')) return
                  onOpen?.(data)
                }}
                className={cn(
                  'absolute left-0 grid w-full items-center border-b border-line text-sm',
                  // The focus ring is drawn inset (styles.css): the scroller would clip an outer one.
                  'focus-visible:bg-surface-2',
                  onOpen && 'cursor-pointer hover:bg-surface-2',
                  isSel && 'bg-accent-soft/60',
                )}
                style={{
                  height: rowHeight,
                  transform: `translateY(${v.start}px)`,
                  gridTemplateColumns: template,
                }}
              >
                {selected && (
                  <div role="cell" className="flex justify-center px-3">
                    <Checkbox
                      aria-label={`Select ${props.rowLabel?.(data) ?? 'row'}`}
                      // The row is the tab stop (Space selects): no extra stop per row.
                      tabIndex={onOpen ? -1 : undefined}
                      checked={isSel}
                      onChange={() => onToggle?.(data)}
                    />
                  </div>
                )}
                {row.getAllCells().map((cell) => (
                  <div
                    key={cell.id}
                    role="cell"
                    className="truncate px-3"
                    onMouseEnter={titleIfTruncated}
                  >
                    <table.FlexRender cell={cell} />
                  </div>
                ))}
              </div>
            )
          })}
        </div>
      </div>
    </div>
  )
}
