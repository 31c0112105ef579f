import type { ReactNode } from 'react'

/** The top of every screen: its name (the page's h1), a sentence, and its main actions. */
export function PageHeader({
  title,
  description,
  actions,
}: {
  title: string
  description?: ReactNode
  actions?: ReactNode
}) {
  return (
    <header className="flex flex-wrap items-end justify-between gap-4 pb-5">
      <div>
        <h1 className="text-xl font-semibold tracking-tight text-fg">{title}</h1>
        {description && <p className="mt-1 text-sm text-muted">{description}</p>}
      </div>
      {actions && <div className="flex flex-wrap items-center gap-2">{actions}</div>}
    </header>
  )
}

export function Page({ children }: { children: ReactNode }) {
  return <div className="mx-auto flex h-full max-w-[1400px] flex-col px-6 py-6">{children}</div>
}
