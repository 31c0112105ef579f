import { Dialog as D } from 'radix-ui'
import { X } from 'lucide-react'
import { useRef, type ReactNode } from 'react'
import { cn } from './cn'

const FIELD =
  'input:not([type=hidden]):not([disabled]),select:not([disabled]),textarea:not([disabled])'

/** Opening a dialog puts the cursor in its first field (Radix alone focuses the Close button). */
function focusFirstField(e: Event): void {
  const field = (e.currentTarget as HTMLElement).querySelector<HTMLElement>(FIELD)
  if (!field) return
  e.preventDefault()
  field.focus()
}

interface ModalProps {
  open: boolean
  onOpenChange(open: boolean): void
  title: string
  description?: ReactNode
  children: ReactNode
  /** Buttons, right-aligned under the body. */
  footer?: ReactNode
  width?: string
}

/** A centred modal dialog (Radix: focus trap, Escape, aria-modal, labelled by its title). */
export function Modal({
  open,
  onOpenChange,
  title,
  description,
  children,
  footer,
  width = 'max-w-lg',
}: ModalProps) {
  return (
    <D.Root open={open} onOpenChange={onOpenChange}>
      <D.Portal>
        <D.Overlay className="fixed inset-0 z-40 bg-black/50" />
        <D.Content
          className={cn(
            'fixed top-1/2 left-1/2 z-50 flex max-h-[90vh] w-[calc(100vw-2rem)] -translate-x-1/2 -translate-y-1/2 flex-col rounded-lg border border-line bg-surface shadow-xl',
            width,
          )}
          onOpenAutoFocus={focusFirstField}
        >
          <div className="flex items-start justify-between gap-4 border-b border-line px-5 py-4">
            <div>
              <D.Title className="text-base font-semibold text-fg">{title}</D.Title>
              {description ? (
                <D.Description className="mt-1 text-sm text-muted">{description}</D.Description>
              ) : (
                <D.Description className="sr-only">{title}</D.Description>
              )}
            </div>
            <D.Close className="rounded-md p-1 text-muted hover:bg-surface-2" aria-label="Close">
              <X aria-hidden="true" size={16} />
            </D.Close>
          </div>
          <div className="overflow-y-auto px-5 py-4">{children}</div>
          {footer && (
            <div className="flex justify-end gap-2 border-t border-line px-5 py-3">{footer}</div>
          )}
        </D.Content>
      </D.Portal>
    </D.Root>
  )
}

/** A panel sliding in from the right (license detail), a dialog for assistive tech. */
export function Drawer({
  open,
  onOpenChange,
  title,
  description,
  children,
}: Omit<ModalProps, 'footer' | 'width'>) {
  // What had focus when the drawer opened (a table row) gets it back on close, even after a
  // confirmation dialog inside the drawer moved focus around.
  const opener = useRef<HTMLElement | null>(null)
  return (
    <D.Root open={open} onOpenChange={onOpenChange}>
      <D.Portal>
        <D.Overlay className="fixed inset-0 z-40 bg-black/30" />
        <D.Content
          className="fixed top-0 right-0 z-50 flex h-full w-[min(640px,100vw)] flex-col border-l border-line bg-surface shadow-2xl"
          onOpenAutoFocus={() => {
            opener.current = document.activeElement as HTMLElement | null
          }}
          onCloseAutoFocus={(e) => {
            const el = opener.current
            if (!el?.isConnected) return
            e.preventDefault()
            el.focus()
          }}
        >
          <div className="flex items-start justify-between gap-4 border-b border-line px-5 py-4">
            <div className="min-w-0">
              <D.Title className="truncate font-mono text-base font-semibold text-fg">
                {title}
              </D.Title>
              <D.Description className="mt-1 text-sm text-muted">
                {description ?? 'License details'}
              </D.Description>
            </div>
            <D.Close
              className="rounded-md p-1 text-muted hover:bg-surface-2"
              aria-label="Close details"
            >
              <X aria-hidden="true" size={16} />
            </D.Close>
          </div>
          <div className="flex-1 overflow-y-auto">{children}</div>
        </D.Content>
      </D.Portal>
    </D.Root>
  )
}
