/**
 * What a database refusal means, whichever driver raised it (better-sqlite3's SQLITE_* codes,
 * PostgreSQL's SQLSTATE). Services decide on these, never on a driver's message text.
 */
function codeOf(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null
    ? (e as { code?: unknown }).code?.toString()
    : undefined
}

/** A UNIQUE or PRIMARY KEY constraint refused the write (someone has that value already). */
export function isUniqueViolation(e: unknown): boolean {
  const code = codeOf(e)
  return (
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    code === '23505'
  )
}

/** A FOREIGN KEY constraint refused the write (a row still refers to the one being removed). */
export function isForeignKeyViolation(e: unknown): boolean {
  const code = codeOf(e)
  return code === 'SQLITE_CONSTRAINT_FOREIGNKEY' || code === '23503'
}
