import { createColumnHelper, tableFeatures, useTable } from '@tanstack/react-table'
import { useVirtualizer } from '@tanstack/react-virtual'
import { ArrowDown, ArrowUp, ArrowUpDown } from 'lucide-react'
import { useMemo, useRef, type ReactNode } from 'react'
import { Checkbox } from './input'
import { cn } from './cn'

export interface ColumnSpec<T extends object> {
  id: string
  header: string
  /** CSS grid track, e.g. '2fr' or '120px'. */
  width: string
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

/**
 * A virtualized table: only the visible rows are in the DOM, so a page of hundreds of rows
 * scrolls smoothly; paging, sorting and filtering happen on the server. Rows are buttons for
 * the keyboard (Enter opens), and the header sorts with aria-sort.
 */
export function DataTable<T extends object>(props: DataTableProps<T>) {
  const { rows, columns, rowId, selected, onToggle, onToggleAll, onOpen, sorting, onSort, label } =
    props
  const rowHeight = props.rowHeight ?? 40
  const helper = createColumnHelper<typeof features, T>()
  const defs = useMemo(
    () =>
      columns.map((c) =>
        helper.display({ id: c.id, header: c.header, cell: (ctx) => c.cell(ctx.row.original) }),
      ),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [columns],
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
  const template = [selected ? '44px' : null, ...columns.map((c) => c.width)]
    .filter(Boolean)
    .join(' ')
  const allOn = rows.length > 0 && rows.every((r) => selected?.[rowId(r)])

  return (
    <div
      role="table"
      aria-label={label}
      aria-rowcount={(props.total ?? rows.length) + 1}
      className="flex min-h-0 flex-1 flex-col"
    >
      <div role="rowgroup" className="border-b border-line bg-surface-2">
        <div
          role="row"
          aria-rowindex={1}
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
            const active = c.sortKey && sorting?.sort === c.sortKey
            return (
              <div
                key={h.id}
                role="columnheader"
                aria-sort={
                  active ? (sorting!.order === 'asc' ? 'ascending' : 'descending') : undefined
                }
                className="px-3 py-2"
              >
                {c.sortKey && onSort ? (
                  <button
                    type="button"
                    className="inline-flex items-center gap-1 hover:text-fg"
                    onClick={() => onSort(c.sortKey!)}
                  >
                    {c.header}
                    {active ? (
                      sorting!.order === 'asc' ? (
                        <ArrowUp aria-hidden="true" size={12} />
                      ) : (
                        <ArrowDown aria-hidden="true" size={12} />
                      )
                    ) : (
                      <ArrowUpDown aria-hidden="true" size={12} className="opacity-50" />
                    )}
                  </button>
                ) : (
                  c.header
                )}
              </div>
            )
          })}
        </div>
      </div>
      <div ref={scrollRef} role="rowgroup" className="relative min-h-0 flex-1 overflow-auto">
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
                aria-rowindex={(props.offset ?? 0) + v.index + 2}
                aria-selected={selected ? isSel : undefined}
                tabIndex={onOpen ? 0 : undefined}
                aria-label={props.rowLabel?.(data)}
                onKeyDown={(e) => {
                  if (e.key === 'Enter' && e.target === e.currentTarget) onOpen?.(data)
                }}
                onClick={(e) => {
                  if ((e.target as HTMLElement).closest('input,button,a')) return
                  onOpen?.(data)
                }}
                className={cn(
                  'absolute left-0 grid w-full items-center border-b border-line text-sm',
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
                      checked={isSel}
                      onChange={() => onToggle?.(data)}
                    />
                  </div>
                )}
                {row.getAllCells().map((cell) => (
                  <div key={cell.id} role="cell" className="truncate px-3">
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
