import { DropdownMenu as M } from 'radix-ui'
import { Check, Columns3 } from 'lucide-react'

interface ColumnChooserProps {
  columns: { id: string; header: string }[]
  isVisible(id: string): boolean
  onChange(id: string, visible: boolean): void
}

/** The table's "Columns" menu: brings back the columns hidden on a narrow window. */
export function ColumnChooser({ columns, isVisible, onChange }: ColumnChooserProps) {
  return (
    <M.Root>
      <M.Trigger
        className="rounded p-1 text-muted hover:bg-surface hover:text-fg"
        aria-label="Choose columns"
        title="Choose columns"
      >
        <Columns3 aria-hidden="true" size={14} />
      </M.Trigger>
      <M.Portal>
        <M.Content
          align="end"
          sideOffset={4}
          className="z-50 min-w-44 rounded-md border border-line bg-surface p-1 text-sm shadow-lg"
        >
          <M.Label className="px-2 py-1 text-xs font-semibold text-muted">Columns</M.Label>
          {columns.map((c) => (
            <M.CheckboxItem
              key={c.id}
              checked={isVisible(c.id)}
              onCheckedChange={(on) => onChange(c.id, on)}
              onSelect={(e) => e.preventDefault()}
              className="flex cursor-pointer items-center gap-2 rounded px-2 py-1.5 outline-none data-[highlighted]:bg-surface-2"
            >
              <span className="w-3.5">
                <M.ItemIndicator>
                  <Check aria-hidden="true" size={14} />
                </M.ItemIndicator>
              </span>
              {c.header}
            </M.CheckboxItem>
          ))}
        </M.Content>
      </M.Portal>
    </M.Root>
  )
}
