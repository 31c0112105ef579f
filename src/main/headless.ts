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
import { parseWorkers, relayEvents, reportListening, startWorkers, workerIndex } from './workers'
import { prepareInstallation } from './runtime'

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
  const index = workerIndex()
  // Workers (`--workers N`) start from the folder their primary restored.
  if (values.restore && index === null) {
    if (!keyText)
      refuse('--restore needs the backup key: --backup-key-file PATH or KEYWARDEN_BACKUP_KEY')
    await restoreInstallation(dataDir, values.restore, keyText)
    console.log(
      `Restored ${values.restore} (database, master.key, RSA and Ed25519 keys) into ${dataDir}`,
    )
  }
  const schedule = backupSchedule(values, dataDir, keyText)
  const workers = values.workers ?? parseWorkers(undefined)
  if (workers > 1 && index === null) {
    return servePrimary(workers, { dataDir, database, values }, setupToken)
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
    backupSchedule: schedule,
    console: values.console
      ? { setupToken, staticDir: join(import.meta.dirname, '../renderer') }
      : undefined,
    workers: index === null ? undefined : { count: workers, index },
  })
  if (index !== null) {
    relayEvents(runtime.services.bus)
    reportListening(runtime.server!.url)
  } else {
    const first = (await runtime.services.accounts.isEmpty()) ? setupToken : null
    printStarted(runtime.server!.url, { dataDir, database, values }, first)
  }

  let stopping = false
  const stop = async (signal: string) => {
    if (stopping) return
    stopping = true
    process.exit(await shutdown(runtime, signal))
  }
  process.on('SIGTERM', () => void stop('SIGTERM'))
  process.on('SIGINT', () => void stop('SIGINT'))
  // A worker whose primary is gone closes too (nothing would hand it connections).
  if (index !== null) process.on('disconnect', () => void stop('primary exited'))
}

interface Started {
  dataDir: string
  database: string | undefined
  values: { console?: boolean; 'reset-identity'?: boolean }
}

/** The lines a started server prints (once, by the primary when there are workers). */
function printStarted(url: string, o: Started, setupToken: string | null): void {
  console.log(`Keywarden listening on ${url}`)
  console.log(`Database: ${databaseLabel(o)}`)
  if (o.values.console) console.log(`Console: ${url}/console/`)
  if (setupToken) {
    console.log(
      `Setup token: ${setupToken}\n` +
        '  Creates the first admin: POST /api/auth/register with header X-Setup-Token' +
        (o.values.console ? ', or log in to the console with it' : '') +
        '.\n  It stops working once an admin account exists.',
    )
  }
}

/**
 * `--workers N` (N > 1): this process prepares the installation once, then forks N workers
 * (each a full server on its own SQLite connection) and only relays signals to them.
 */
async function servePrimary(workers: number, o: Started, setupToken: string): Promise<void> {
  const { adminExists } = await prepareInstallation({
    dataDir: o.dataDir,
    database: o.database,
    resetIdentity: o.values['reset-identity'],
  })
  // Every worker must know the same setup token: without one given, the primary picked it.
  process.env.KEYWARDEN_SETUP_TOKEN = setupToken
  const pool = await startWorkers(workers)
  printStarted(pool.url, o, adminExists ? null : setupToken)
  console.log(`Workers: ${workers} processes`)
  let stopping = false
  const stop = async (signal: string) => {
    if (stopping) return
    stopping = true
    console.log(`${signal} received: stopping ${workers} workers`)
    await pool.stop()
    process.exit(0)
  }
  process.on('SIGTERM', () => void stop('SIGTERM'))
  process.on('SIGINT', () => void stop('SIGINT'))
}

main().catch((e: unknown) => {
  console.error(`Keywarden could not start: ${e instanceof Error ? e.message : String(e)}`)
  process.exit(1)
})
