import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { restoreInstallation } from './services/backup/keys'
import { randomToken } from './crypto/random'
import { databaseLabel, resolveDataDir, shutdown, startRuntime } from './runtime'
import { DEFAULT_PORT } from './http/server'
import { boundHeapGrowth } from './heap'
import {
  parseServeOptions,
  serveHelp,
  ServeOptionError,
  type ParsedServe,
  type ServeOptions,
} from './serve-options'
import type { ScheduleConfig } from './services/backup/schedule'
import { parseMasterKey } from './crypto/seal'

/** One line on stderr, exit 2: a command line or environment the server cannot start with. */
function refuse(message: string): never {
  console.error(message)
  process.exit(2)
}

/** The backup key's text: --backup-key-file PATH, else KEYWARDEN_BACKUP_KEY. */
function backupKeyText(values: ServeOptions): string | undefined {
  const file = values['backup-key-file']
  if (!file) return values['backup-key']
  try {
    return readFileSync(file, 'utf8')
  } catch (e) {
    refuse(
      `--backup-key-file / KEYWARDEN_BACKUP_KEY_FILE cannot be read (${(e as NodeJS.ErrnoException).code ?? e}: ${file})`,
    )
  }
}

/**
 * `--backup-interval` and its companions. A scheduled backup seals the installation's keys, so
 * it needs the backup key the operator keeps (a restore on another machine opens them with it).
 */
function backupSchedule(
  values: ServeOptions,
  dataDir: string,
  keyText: string | undefined,
): ScheduleConfig | undefined {
  const intervalMs = values['backup-interval']
  if (intervalMs === undefined) {
    if (values['backup-retention'] !== undefined || values['backup-dir'] !== undefined) {
      refuse('--backup-retention and --backup-dir go with --backup-interval (see --help)')
    }
    return undefined
  }
  if (!keyText) {
    refuse(
      '--backup-interval needs the backup key that seals each backup’s keys: --backup-key-file PATH or KEYWARDEN_BACKUP_KEY (backup.key of this installation; keep a copy away from this machine)',
    )
  }
  let backupKey: Buffer
  try {
    backupKey = parseMasterKey(keyText, 'the backup key')
  } catch {
    refuse(
      'the backup key (--backup-key-file / KEYWARDEN_BACKUP_KEY) is not 32 bytes in base64, as backup.key holds it',
    )
  }
  return {
    intervalMs,
    retention: values['backup-retention'] ?? 7,
    dir: resolve(values['backup-dir'] ?? join(dataDir, 'backups')),
    backupKey,
  }
}

/** The headless server: the same services and HTTP surfaces as the desktop app, no Electron. */
async function main(): Promise<void> {
  let parsed: ParsedServe
  try {
    parsed = parseServeOptions(process.argv.slice(2))
  } catch (e) {
    if (!(e instanceof ServeOptionError)) throw e
    refuse(e.message)
  }
  if (parsed.help) {
    console.log(serveHelp())
    return
  }
  const values = parsed.options
  const port = values.port ?? DEFAULT_PORT
  const cullIntervalSeconds = values['cull-interval']
  const trustedProxies = values['trusted-proxy']
  const allowedHosts = values['allowed-host']
  const setupToken = values['setup-token'] ?? randomToken(24)
  boundHeapGrowth()
  const dataDir = resolveDataDir(values.data)
  const database = values.database
  if (values.restore && database) {
    console.error(
      '--restore brings back a SQLite installation; a PostgreSQL database is restored with its own tools (pg_restore)',
    )
    process.exit(2)
  }
  const keyText = backupKeyText(values)
  if (values.restore) {
    if (!keyText)
      refuse('--restore needs the backup key: --backup-key-file PATH or KEYWARDEN_BACKUP_KEY')
    await restoreInstallation(dataDir, values.restore, keyText)
    console.log(
      `Restored ${values.restore} (database, master.key, RSA and Ed25519 keys) into ${dataDir}`,
    )
  }
  const runtime = await startRuntime({
    dataDir,
    database,
    host: values.host ?? '127.0.0.1',
    port,
    setupToken,
    trustedProxies,
    allowedHosts,
    resetIdentity: values['reset-identity'],
    cullIntervalSeconds,
    logLevel: values['log-level'] ?? 'info',
    metrics: { enabled: values.metrics, token: values['metrics-token'] },
    backupSchedule: backupSchedule(values, dataDir, keyText),
    console: values.console
      ? { setupToken, staticDir: join(import.meta.dirname, '../renderer') }
      : undefined,
  })
  console.log(`Keywarden listening on ${runtime.server!.url}`)
  console.log(`Database: ${databaseLabel({ dataDir, database })}`)
  if (values.console) console.log(`Console: ${runtime.server!.url}/console/`)
  if (await runtime.services.accounts.isEmpty()) {
    console.log(
      `Setup token: ${setupToken}\n` +
        '  Creates the first admin: POST /api/auth/register with header X-Setup-Token' +
        (values.console ? ', or log in to the console with it' : '') +
        '.\n  It stops working once an admin account exists.',
    )
  }

  let stopping = false
  const stop = async (signal: string) => {
    if (stopping) return
    stopping = true
    process.exit(await shutdown(runtime, signal))
  }
  process.on('SIGTERM', () => void stop('SIGTERM'))
  process.on('SIGINT', () => void stop('SIGINT'))
}

main().catch((e: unknown) => {
  console.error(`Keywarden could not start: ${e instanceof Error ? e.message : String(e)}`)
  process.exit(1)
})
