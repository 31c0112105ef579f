/**
 * A titled part of a page or drawer: a <section> named by its heading. `level` keeps the
 * document outline (2 on a page under its h1, 3 in a drawer under its title).
 */
export function Section({
  id,
  title,
  level = 2,
  children,
}: {
  id: string
  title: string
  level?: 2 | 3
  children: React.ReactNode
}) {
  const Heading = level === 2 ? 'h2' : 'h3'
  return (
    <section aria-labelledby={id} className="flex flex-col gap-2">
      <Heading id={id} className="text-sm font-semibold">
        {title}
      </Heading>
      {children}
    </section>
  )
}
