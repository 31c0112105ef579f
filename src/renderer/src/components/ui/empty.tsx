import type { ReactNode } from 'react'
import type { LucideIcon } from 'lucide-react'

/** An empty state that says what to do next. */
export function EmptyState({
  icon: Icon,
  title,
  children,
  action,
}: {
  icon: LucideIcon
  title: string
  children?: ReactNode
  action?: ReactNode
}) {
  return (
    <div className="flex flex-col items-center justify-center gap-3 px-6 py-14 text-center">
      <div className="rounded-full bg-accent-soft p-3 text-accent">
        <Icon aria-hidden="true" size={22} />
      </div>
      <h3 className="text-base font-semibold text-fg">{title}</h3>
      {children && <p className="max-w-md text-sm text-muted">{children}</p>}
      {action}
    </div>
  )
}
