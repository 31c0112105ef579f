import { sql, type RawBuilder } from 'kysely'
import type { Store } from '../../src/main/db/connection'

type Tag<R> = (strings: TemplateStringsArray, ...values: unknown[]) => Promise<R>

/**
 * Reads and writes a test makes on the database behind the server, dialect-neutral: Kysely's
 * `sql` template run on `store.db`, which compiles `${value}` to each dialect's placeholder.
 * `await dbOf(store).all<{ n: number }>\`SELECT … WHERE id = ${id}\``.
 */
export function dbOf(store: Store): {
  all: <T>(strings: TemplateStringsArray, ...values: unknown[]) => Promise<T[]>
  one: <T>(strings: TemplateStringsArray, ...values: unknown[]) => Promise<T | undefined>
  run: Tag<void>
} {
  const exec = <T>(strings: TemplateStringsArray, values: unknown[]) =>
    sql<T>(strings, ...values).execute(store.db)
  return {
    all: async <T>(strings: TemplateStringsArray, ...values: unknown[]) =>
      (await exec<T>(strings, values)).rows,
    one: async <T>(strings: TemplateStringsArray, ...values: unknown[]) =>
      (await exec<T>(strings, values)).rows[0],
    run: async (strings, ...values) => {
      await exec(strings, values)
    },
  }
}

/** `column`'s JSON text field `key` as text (json_extract on SQLite, ->> on PostgreSQL). */
export function jsonText(store: Store, column: string, key: string): RawBuilder<string> {
  return store.dialect === 'postgres'
    ? sql<string>`(${sql.ref(column)}::jsonb ->> ${key})`
    : sql<string>`json_extract(${sql.ref(column)}, ${'$.' + key})`
}

/**
 * Makes every insert of an event matching `when` fail with `message` (as a full disk would
 * mid-transaction), with a trigger in the store's dialect (SQLite RAISE, PL/pgSQL on
 * PostgreSQL); resolves to the function that removes it.
 */
export async function failEventInserts(
  store: Store,
  name: string,
  when: { type: string; license_id?: string },
  message: string,
): Promise<() => Promise<void>> {
  const id = name.replace(/\W/g, '_')
  const quote = (v: string) => `'${v.replace(/'/g, "''")}'`
  const cond = Object.entries(when)
    .map(([col, v]) => `NEW.${col} = ${quote(v!)}`)
    .join(' AND ')
  const run = (statement: string) => sql.raw(statement).execute(store.db)
  if (store.dialect === 'postgres') {
    await run(`CREATE FUNCTION ${id}() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION ${quote(message)}; END $$`)
    await run(`CREATE TRIGGER ${id} BEFORE INSERT ON events FOR EACH ROW WHEN (${cond})
      EXECUTE FUNCTION ${id}()`)
    return async () => {
      await run(`DROP TRIGGER ${id} ON events`)
      await run(`DROP FUNCTION ${id}()`)
    }
  }
  await run(`CREATE TRIGGER ${id} BEFORE INSERT ON events WHEN ${cond}
    BEGIN SELECT RAISE(ABORT, ${quote(message)}); END`)
  return async () => {
    await run(`DROP TRIGGER ${id}`)
  }
}
