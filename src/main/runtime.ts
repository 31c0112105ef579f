import { homedir, networkInterfaces } from 'node:os'
import { join } from 'node:path'
import { openStore, type Store } from './db/connection'
import { isPostgresUrl, redactedUrl } from './db/postgres/open'
import { checkKeysAgainst, DATABASE_FILE, preflight } from './preflight'
import { createServices, type Services } from './services'
import type { Clock } from './services/context'
import type { ScheduleConfig } from './services/backup/schedule'
import { createHandlers, type Handlers } from './rpc/handlers'
import type { DesktopHooks } from './rpc/handlers/types'
import { createHttpServer, DEFAULT_PORT, type HttpServer } from './http/server'
import type { ConsoleOptions } from './http/console'
import type { Actor } from './services/context'
import type { ServerStatus } from '@shared/dto'
import type { LoginInput } from '@shared/accounts'
import { VERSION } from './version'
import { randomToken } from './crypto/random'
import type { DestinationStream, Logger } from 'pino'
import { createLogger, type LogLevel } from './http/observability/logging'
import type { MetricsOptions } from './http/observability/metrics'

/** `--data DIR`, else `KEYWARDEN_DATA`, else `~/.keywarden`. */
export function resolveDataDir(flag?: string, env = process.env): string {
  return flag || env.KEYWARDEN_DATA || join(homedir(), '.keywarden')
}

/**
 * `--database URL`, else `KEYWARDEN_DATABASE_URL`: a PostgreSQL URL (several nodes on one
 * database). Undefined means the SQLite file in the data directory, the default.
 */
export function resolveDatabase(flag?: string, env = process.env): string | undefined {
  const url = flag || env.KEYWARDEN_DATABASE_URL || undefined
  if (url !== undefined && !isPostgresUrl(url)) {
    throw new Error(
      `--database / KEYWARDEN_DATABASE_URL takes a postgres:// URL (got ${redactedUrl(url)}); without it the database is the SQLite file in the data directory`,
    )
  }
  return url
}

/** Where the store of `opts` lives, as it may be printed (a URL without its password). */
export function databaseLabel(opts: Pick<RuntimeOptions, 'dataDir' | 'database'>): string {
  return opts.database ? redactedUrl(opts.database) : join(opts.dataDir, DATABASE_FILE)
}

/** Every URL a client can reach a server bound to `host` on `port` with. */
export function listeningUrls(host: string, port: number): string[] {
  if (host !== '0.0.0.0' && host !== '::') {
    return [`http://${host.includes(':') ? `[${host}]` : host}:${port}`]
  }
  const urls = [`http://127.0.0.1:${port}`]
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) {
      if (a.family === 'IPv4' && !a.internal) urls.push(`http://${a.address}:${port}`)
    }
  }
  return urls
}

export interface RuntimeOptions {
  dataDir: string
  /**
   * A `postgres://` URL selects PostgreSQL (see resolveDatabase); default: the SQLite file in
   * `dataDir`. The data directory still holds the keys (RSA identity, master.key) either way.
   */
  database?: string
  host?: string
  port?: number
  console?: ConsoleOptions
  /** `--log-level` / KEYWARDEN_LOG_LEVEL (default 'info'; the test helpers pass 'silent'). */
  logLevel?: LogLevel
  /** Where log lines go (default stdout; the desktop app's rotating file; tests' memory). */
  logDestination?: DestinationStream
  /** GET /metrics: `--metrics`, `--metrics-token` (off by default). */
  metrics?: MetricsOptions
  /** Injected clock (tests drive license expiry and webhook retries with it). */
  clock?: Clock
  /** `--reset-identity`: replace a missing or damaged RSA key with a new one (new public key). */
  resetIdentity?: boolean
  /** Desktop-only settings the console may change (the Electron shell passes them). */
  desktop?: DesktopHooks
  /**
   * Lets `POST /api/auth/register` (header X-Setup-Token) and the web console create the
   * first admin. Default: the console's token, else a random one nobody is told.
   */
  setupToken?: string
  /** Added to the `trusted_proxies` setting (command line, environment). */
  trustedProxies?: string[]
  /** Added to the `allowed_hosts` setting (command line, environment). */
  allowedHosts?: string[]
  /**
   * Seconds between culling runs (floating seats of dead machines freed; services/seats).
   * Default 30 (`--cull-interval`, KEYWARDEN_CULL_INTERVAL); 0 turns the task off (culling
   * then runs only on demand).
   */
  cullIntervalSeconds?: number
  /**
   * Scheduled backups set by the command line (`--backup-interval`, headless); without it the
   * schedule the console stored (Settings → Backup) applies.
   */
  backupSchedule?: ScheduleConfig
  /**
   * This runtime is worker `index` of `count` serving one port (`serve --workers N`, see
   * workers.ts). Default: the only one. Worker 0 runs the culling task and the backup schedule;
   * every worker runs the webhook outbox (each delivery is claimed once, in the database).
   */
  workers?: { count: number; index: number }
}

export interface Runtime {
  /** The server's logger (lifecycle lines; the HTTP server's request lines). */
  log: Logger
  store: Store
  services: Services
  handlers: Handlers
  server: HttpServer | null
  status(): ServerStatus
  /** The first-admin setup token (see RuntimeOptions.setupToken). */
  setupToken: string
  /**
   * Starts the HTTP server, or moves it to a new address. A new port is bound before the old
   * server stops (which then drains in the background); the same port is released first.
   */
  listen(host: string, port: number): Promise<HttpServer>
  /** Stops the HTTP server (draining requests), then closes the database cleanly. */
  close(): Promise<void>
}

/**
 * One Keywarden: store + services + console handlers + HTTP server. The Electron shell and
 * the headless server both start exactly this; neither adds rules of its own.
 */
export async function startRuntime(opts: RuntimeOptions): Promise<Runtime> {
  // A damaged data folder refuses here, with one line naming the file and the way out.
  const checks = { resetIdentity: opts.resetIdentity, database: opts.database }
  preflight(opts.dataDir, checks)
  const log = createLogger({ level: opts.logLevel, destination: opts.logDestination })
  log.info({ version: VERSION, data_dir: opts.dataDir, database: databaseLabel(opts) }, 'starting')
  const workers = opts.workers ?? { count: 1, index: 0 }
  const store = await openStore(opts.database ?? join(opts.dataDir, DATABASE_FILE), {
    workers: workers.count,
  })
  log.info(
    { dialect: store.dialect, applied: store.migrationsRun },
    store.migrationsRun.length > 0 ? 'migrations run' : 'database schema up to date',
  )
  // The folder's keys against what the database holds, before a service could make new ones
  // (a PostgreSQL database is not beside the folder: preflight could not look into it).
  try {
    await checkKeysAgainst(opts.dataDir, store.db, databaseLabel(opts), checks)
  } catch (e) {
    await store.close()
    throw e
  }
  const services = createServices({ store, dataDir: opts.dataDir, clock: opts.clock })
  await services.ready()
  services.settings.addStartupTrust({
    trustedProxies: opts.trustedProxies,
    allowedHosts: opts.allowedHosts,
  })
  const setupToken = opts.setupToken ?? opts.console?.setupToken ?? randomToken(24)
  let server: HttpServer | null = null
  let startedAt: string | null = null
  let draining: Promise<void> = Promise.resolve()
  let host = opts.host ?? '127.0.0.1'
  let port = opts.port ?? DEFAULT_PORT

  const status = (): ServerStatus => ({
    up: server !== null,
    url: server?.url ?? null,
    urls: server ? listeningUrls(host, server.port) : [],
    host,
    port: server?.port ?? port,
    version: VERSION,
    data_dir: opts.dataDir,
    started_at: startedAt,
    public_key: services.licensing.publicKeyPem(),
    ed25519_public_key: services.licenseFiles.publicKeyPem(),
    workers: workers.count,
  })
  const handlers = createHandlers({
    services,
    serverStatus: status,
    listen: async (h, p) => (await runtime.listen(h, p), status()),
    desktop: opts.desktop,
  })

  const runtime: Runtime = {
    log,
    store,
    services,
    handlers,
    setupToken,
    get server() {
      return server
    },
    status,
    async listen(h, p) {
      const prev = server
      if (prev && workers.count > 1) {
        throw new Error(
          `This server runs ${workers.count} worker processes on one port: restart it with --host/--port to move it`,
        )
      }
      // Moving to another port binds the new address first: a taken port fails here with the
      // old address still serving, and clients always have one to reach. The same port must be
      // let go of first (e.g. 127.0.0.1 → 0.0.0.0 on one port).
      const moving = prev !== null && (p === 0 || p !== prev.port)
      if (prev && !moving) {
        await prev.close()
        server = null
      }
      // Email/password console logins go to the accounts service unless the caller chose otherwise.
      const consoleOpts = opts.console && {
        authenticate: (body: LoginInput, meta: { ip: string }) =>
          services.accounts.consoleLogin(body, meta),
        currentActor: (actor: Actor) => services.accounts.currentActor(actor),
        ...opts.console,
      }
      const next = await createHttpServer({
        services,
        handlers,
        host: h,
        port: p,
        console: consoleOpts && { ...consoleOpts, setupToken },
        setupToken,
        logger: log,
        metrics: opts.metrics,
      })
      log.info({ url: next.url }, 'listening')
      server = next
      host = h
      port = p
      startedAt = new Date().toISOString()
      // Webhooks may never target this server itself (SSRF guard).
      services.webhooks.setListening(next.port)
      services.bus.emit('server.status', status())
      // The old server drains in the background: the request that asked for the move may be
      // one of its in-flight requests, and it must still be answered.
      if (prev && moving) draining = prev.close().catch(() => {})
      return next
    },
    async close() {
      log.info('shutting down')
      // A first start stopped early still leaves its identity: the next start would otherwise
      // find an installation without keys and refuse.
      await services.licensing.attestor.ready().catch(() => {})
      await draining
      if (server) await server.close()
      server = null
      await services.webhooks.stop()
      await services.seats.stop()
      await services.backup.stopSchedule()
      await store.close()
      log.info('shut down')
    },
  }
  await runtime.listen(host, port)
  // A first start generates the RSA key in the background: tell the console once it exists.
  void services.licensing.attestor
    .ready()
    .then(() => server && services.bus.emit('server.status', status()))
    .catch(() => {})
  // The webhook outbox worker and the license-expiry sweep; stopped by close().
  await services.webhooks.start()
  // The culling task (every node may run it: each machine is claimed once; of the workers of one
  // server, worker 0 alone) and scheduled backups (worker 0 alone; the first one interval after
  // the start); stopped by close().
  services.seats.start(workers.index === 0 ? opts.cullIntervalSeconds : 0)
  if (workers.index === 0) await services.backup.startSchedule(opts.backupSchedule)
  return runtime
}

/**
 * What the primary of `serve --workers N` does before it forks: the checks, the migrations and
 * the installation's first keys (RSA, Ed25519), once, so the workers all open the same
 * identity on an up-to-date schema. Answers whether an admin exists yet.
 */
export async function prepareInstallation(
  opts: Pick<RuntimeOptions, 'dataDir' | 'database' | 'resetIdentity'>,
): Promise<{ adminExists: boolean }> {
  const checks = { resetIdentity: opts.resetIdentity, database: opts.database }
  preflight(opts.dataDir, checks)
  const store = await openStore(opts.database ?? join(opts.dataDir, DATABASE_FILE))
  try {
    await checkKeysAgainst(opts.dataDir, store.db, databaseLabel(opts), checks)
    const services = createServices({ store, dataDir: opts.dataDir })
    await services.ready()
    await services.licensing.attestor.ready()
    return { adminExists: !(await services.accounts.isEmpty()) }
  } finally {
    await store.close()
  }
}

/**
 * Closes on a signal and says so in one line; returns the exit code. A failing close (a
 * database gone read-only or broken underneath) is reported as one line, never a stack trace.
 */
export async function shutdown(
  runtime: Pick<Runtime, 'close'>,
  signal: string,
  out: Pick<Console, 'log' | 'error'> = console,
): Promise<number> {
  out.log(`${signal} received: closing`)
  try {
    await runtime.close()
    return 0
  } catch (e) {
    const msg = (e instanceof Error ? e.message : String(e)).replace(/\s+/g, ' ')
    out.error(`Keywarden closed with an error: ${msg}`)
    return 1
  }
}
