import BetterSqlite3 from 'better-sqlite3'

/*
 * SQLite database files that are not the live store: backups to check, copy or inspect before
 * anything opens them as a store. Each function opens its own short-lived connection.
 */

/** SQLite's quick_check of a file, as one line ('ok' when sound); throws when it is no database. */
export function quickCheck(file: string, readonly = true): string {
  const db = new BetterSqlite3(file, { readonly, fileMustExist: true })
  try {
    const check = String(db.pragma('quick_check', { simple: true }))
    if (check === 'ok') return check
    // One line: quick_check lists every damaged page; the first names the damage.
    const lines = check.split('\n').filter((l) => l && !l.startsWith('***'))
    return `quick_check: ${lines[0] ?? 'failed'}${lines.length > 1 ? ` and ${lines.length - 1} more` : ''}`
  } finally {
    db.close()
  }
}

/** What a start needs to know about the database file of a data folder. */
export interface DatabaseFileFacts {
  /** The database held an installation (accounts, products or API keys). */
  installed: boolean
  /** Rows sealed with master.key exist (API key secrets, secrets sealed by migration 0004). */
  sealed: boolean
}

/**
 * Reads the facts of an existing database file; throws (one line) when it is damaged. Opened
 * read-write, as the store will be: a WAL left by a crash is recovered, not read around.
 */
export function inspectDatabaseFile(file: string): DatabaseFileFacts {
  const check = quickCheck(file, false)
  if (check !== 'ok') throw new Error(check)
  const db = new BetterSqlite3(file, { fileMustExist: true })
  try {
    const tables = new Set(
      (
        db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as {
          name: string
        }[]
      ).map((r) => r.name),
    )
    const count = (t: string) =>
      tables.has(t) ? (db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n : 0
    const migrated =
      tables.has('kysely_migration') &&
      db.prepare(`SELECT 1 FROM kysely_migration WHERE name LIKE '0004%'`).get() !== undefined
    const installed = count('accounts') + count('products') + count('api_keys') > 0
    return { installed, sealed: count('api_keys') > 0 || (migrated && installed) }
  } finally {
    db.close()
  }
}

/**
 * Checks that `file` is a sound Keywarden database (quick_check, a licenses table) and returns
 * one sealed product secret in it (to prove it opens with this installation's master.key), or
 * null when it has none. Throws when it is not a Keywarden database.
 */
export function checkBackupFile(file: string): { id: string; secret_key: string } | null {
  if (quickCheck(file) !== 'ok') throw new Error('not a Keywarden database')
  const db = new BetterSqlite3(file, { readonly: true, fileMustExist: true })
  try {
    const hasLicenses = db
      .prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'licenses'`)
      .get()
    if (!hasLicenses) throw new Error('not a Keywarden database')
    const p = db
      .prepare(`SELECT id, secret_key FROM products WHERE secret_key LIKE 'v1.%' LIMIT 1`)
      .get() as { id: string; secret_key: string } | undefined
    return p ?? null
  } finally {
    db.close()
  }
}

/**
 * Copies the database file `from` into `to` with SQLite's backup API (locks held, WAL
 * respected): a store open on `to` reads the copied data at its next statement.
 */
export async function copyDatabaseFile(from: string, to: string): Promise<void> {
  const src = new BetterSqlite3(from, { readonly: true, fileMustExist: true })
  try {
    await src.backup(to)
  } finally {
    src.close()
  }
}
