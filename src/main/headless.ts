import { parseArgs } from 'node:util'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { restoreInstallation } from './services/backup/keys'
import { randomToken } from './crypto/random'
import { databaseLabel, resolveDataDir, resolveDatabase, shutdown, startRuntime } from './runtime'
import { DEFAULT_PORT } from './http/server'
import { boundHeapGrowth } from './heap'
import { isAddressOrCidr, isHostName, splitList } from './services/settings/trust'
import { parseWorkers, relayEvents, reportListening, startWorkers, workerIndex } from './workers'
import { prepareInstallation } from './runtime'

const HELP = `Usage: npm run serve -- [--data DIR] [--database URL] [--port N] [--host H] [--console]
                        [--trusted-proxy IP/CIDR ...] [--allowed-host NAME ...]
                        [--restore FILE --backup-key-file PATH] [--reset-identity]
                        [--cull-interval SECONDS] [--workers N]

  --data DIR            data directory (default: $KEYWARDEN_DATA or ~/.keywarden)
  --database URL        a PostgreSQL database, postgres://user:pass@host/db, instead of the
                        SQLite file in the data directory ($KEYWARDEN_DATABASE_URL); nodes
                        sharing one database need the same keys in their data directories
  --port N              port to listen on (default ${DEFAULT_PORT}; 0 picks a free port)
  --host H              address to bind (default 127.0.0.1; 0.0.0.0 exposes it on the LAN)
  --console             serve the web console at /console
  --trusted-proxy X     a proxy (address or CIDR) whose X-Forwarded-For / Forwarded headers
                        are believed; repeat or comma-separate ($KEYWARDEN_TRUSTED_PROXIES)
  --allowed-host NAME   a host name the management API and console answer to besides this
                        machine's own; repeat or comma-separate ($KEYWARDEN_ALLOWED_HOSTS)
  --restore FILE        first make the (empty) data folder the installation backup FILE came
                        from: its database, master.key, RSA and Ed25519 keys (from
                        FILE.keys, opened with the backup key read from --backup-key-file
                        PATH or $KEYWARDEN_BACKUP_KEY)
  --cull-interval S     seconds between culling runs, which free the floating seats of
                        machines whose heartbeats stopped (default 30; 0 = only on demand;
                        $KEYWARDEN_CULL_INTERVAL)
  --workers N           processes serving HTTP on the one port (default 1; auto = one per
                        core; $KEYWARDEN_WORKERS)
  --reset-identity      replace a missing or damaged RSA or Ed25519 key (keys/) with a new
                        one: apps that pinned the old public key stop verifying, so only do
                        this deliberately

  $KEYWARDEN_SETUP_TOKEN (or $KEYWARDEN_CONSOLE_TOKEN) sets the setup token that creates the
  first admin; otherwise a random one is printed while no admin exists.`

/** The headless server: the same services and HTTP surfaces as the desktop app, no Electron. */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      data: { type: 'string' },
      database: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      console: { type: 'boolean', default: false },
      'trusted-proxy': { type: 'string', multiple: true },
      'allowed-host': { type: 'string', multiple: true },
      'reset-identity': { type: 'boolean', default: false },
      restore: { type: 'string' },
      'backup-key-file': { type: 'string' },
      'cull-interval': { type: 'string' },
      workers: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  })
  if (values.help) {
    console.log(HELP)
    return
  }
  const port = values.port === undefined ? DEFAULT_PORT : Number(values.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`--port must be a whole number from 0 to 65535 (got ${values.port})`)
    process.exit(2)
  }
  const cullText = values['cull-interval'] ?? process.env.KEYWARDEN_CULL_INTERVAL
  const cullIntervalSeconds = cullText === undefined ? undefined : Number(cullText)
  if (
    cullIntervalSeconds !== undefined &&
    (!Number.isInteger(cullIntervalSeconds) || cullIntervalSeconds < 0)
  ) {
    console.error(`--cull-interval takes a whole number of seconds, 0 or more (got ${cullText})`)
    process.exit(2)
  }
  let workers: number
  try {
    workers = parseWorkers(values.workers ?? process.env.KEYWARDEN_WORKERS)
  } catch (e) {
    console.error((e as Error).message)
    process.exit(2)
  }
  const trustedProxies = splitList([
    ...(values['trusted-proxy'] ?? []),
    process.env.KEYWARDEN_TRUSTED_PROXIES,
  ])
  const allowedHosts = splitList([
    ...(values['allowed-host'] ?? []),
    process.env.KEYWARDEN_ALLOWED_HOSTS,
  ])
  const badProxy = trustedProxies.find((p) => !isAddressOrCidr(p))
  if (badProxy) {
    console.error(`--trusted-proxy takes an IP address or CIDR block (got ${badProxy})`)
    process.exit(2)
  }
  const badHost = allowedHosts.find((h) => !isHostName(h))
  if (badHost) {
    console.error(`--allowed-host takes a host name without port (got ${badHost})`)
    process.exit(2)
  }
  const setupToken =
    process.env.KEYWARDEN_SETUP_TOKEN || process.env.KEYWARDEN_CONSOLE_TOKEN || randomToken(24)
  boundHeapGrowth()
  const dataDir = resolveDataDir(values.data)
  let database: string | undefined
  try {
    database = resolveDatabase(values.database)
  } catch (e) {
    console.error((e as Error).message)
    process.exit(2)
  }
  if (values.restore && database) {
    console.error(
      '--restore brings back a SQLite installation; a PostgreSQL database is restored with its own tools (pg_restore)',
    )
    process.exit(2)
  }
  // Workers (`--workers N`) start from the folder their primary restored.
  if (values.restore && workerIndex() === null) {
    const keyText = values['backup-key-file']
      ? readFileSync(values['backup-key-file'], 'utf8')
      : process.env.KEYWARDEN_BACKUP_KEY
    if (!keyText) {
      console.error(
        '--restore needs the backup key: --backup-key-file PATH or KEYWARDEN_BACKUP_KEY',
      )
      process.exit(2)
    }
    await restoreInstallation(dataDir, values.restore, keyText)
    console.log(
      `Restored ${values.restore} (database, master.key, RSA and Ed25519 keys) into ${dataDir}`,
    )
  }
  const index = workerIndex()
  if (workers > 1 && index === null) return servePrimary(workers, { dataDir, database, values })
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
async function servePrimary(workers: number, o: Started): Promise<void> {
  const { adminExists } = await prepareInstallation({
    dataDir: o.dataDir,
    database: o.database,
    resetIdentity: o.values['reset-identity'],
  })
  // Every worker must know the same setup token: without one given, the primary picks it.
  process.env.KEYWARDEN_SETUP_TOKEN ||= process.env.KEYWARDEN_CONSOLE_TOKEN || randomToken(24)
  const pool = await startWorkers(workers)
  printStarted(pool.url, o, adminExists ? null : process.env.KEYWARDEN_SETUP_TOKEN)
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
