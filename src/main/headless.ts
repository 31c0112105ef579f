import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { restoreInstallation } from './services/backup/keys'
import { randomToken } from './crypto/random'
import { databaseLabel, resolveDataDir, shutdown, startRuntime } from './runtime'
import { DEFAULT_PORT } from './http/server'
import { boundHeapGrowth } from './heap'
import { parseServeOptions, serveHelp, ServeOptionError, type ParsedServe } from './serve-options'

/** The headless server: the same services and HTTP surfaces as the desktop app, no Electron. */
async function main(): Promise<void> {
  let parsed: ParsedServe
  try {
    parsed = parseServeOptions(process.argv.slice(2))
  } catch (e) {
    if (!(e instanceof ServeOptionError)) throw e
    console.error(e.message)
    process.exit(2)
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
  if (values.restore) {
    const keyText = values['backup-key-file']
      ? readFileSync(values['backup-key-file'], 'utf8')
      : values['backup-key']
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
