import { CompiledQuery, type Compilable, type QueryResult } from 'kysely'
import { dialectOf } from './dialects'
import type { DialectName, Executor } from './types'
import { directRunnerOf } from './sqlite/direct'

/** Stands in for argument `i` while the query is compiled (never a real value). */
const placeholder = (i: number) => `\u0000kw-arg-${i}\u0000`

interface Template {
  sql: string
  /** Per compiled parameter: the argument it takes, or the constant the builder put there. */
  slots: ({ arg: number } | { value: unknown })[]
}

/**
 * A hot-path query built with Kysely's builder once per dialect, then run as its compiled SQL
 * with each call's arguments. Building and compiling cost several times what SQLite spends on a
 * primary-key lookup (~25 µs against ~5 per query, measured): the client hot path runs a handful
 * per request. The SQL still comes from the builder, so it is right for each dialect.
 *
 * `build` receives stand-ins for its arguments and must use each one only as a query value
 * (never branch on it or transform it): the compiled parameters are then exactly the slots the
 * arguments go into.
 */
export function prepared<A extends unknown[], R>(
  build: (ex: Executor, ...args: A) => Compilable<R>,
): (ex: Executor, ...args: A) => Promise<QueryResult<R>> {
  const templates = new Map<DialectName, Template>()
  function templateFor(ex: Executor, arity: number): Template {
    const dialect = dialectOf(ex)
    let t = templates.get(dialect)
    if (!t) {
      const args = Array.from({ length: arity }, (_, i) => placeholder(i)) as A
      const compiled = build(ex, ...args).compile()
      t = {
        sql: compiled.sql,
        slots: compiled.parameters.map((p) => {
          const i = args.indexOf(p as A[number])
          return i >= 0 ? { arg: i } : { value: p }
        }),
      }
      templates.set(dialect, t)
    }
    return t
  }
  return (ex, ...args) => {
    const t = templateFor(ex, args.length)
    const parameters = t.slots.map((s) => ('arg' in s ? args[s.arg] : s.value))
    // On SQLite, straight on the connection when nothing else holds it (sqlite/direct.ts).
    const direct = directRunnerOf(ex)?.<R>(ex, t.sql, parameters)
    if (direct) return Promise.resolve(direct)
    return ex.executeQuery(CompiledQuery.raw(t.sql, parameters) as CompiledQuery<R>)
  }
}
