import { parseArgs } from 'node:util'
import { z } from 'zod'
import { DEFAULT_PORT } from './http/server'
import { isPostgresUrl, redactedUrl } from './db/postgres/open'
import { isAddressOrCidr, isHostName, splitList } from './services/settings/trust'
import { LOG_LEVELS, type LogLevel } from './http/observability/logging'
import { MAX_WORKERS, parseWorkers } from './workers'

/**
 * Every option of the headless server, once: its flag, its environment variable, what it takes
 * and its help line. Parsing, validation, the environment fallback and `--help` are all derived
 * from this table, so they cannot drift. Adding an option is one entry here.
 *
 * - `value`: `--flag VALUE` or `$ENV`; `schema` checks the text and turns it into the value.
 * - `list`: repeatable and comma/space separated; `schema` checks one item.
 * - `switch`: `--flag` alone, or `$ENV` set to 1/true/yes (0/false/no/empty: off).
 * - `env`: no flag, only the environment (secrets that should not sit in a process list).
 *
 * The flag wins over its environment variable (for lists too: the flag's items replace the
 * variable's).
 */
interface Common {
  env: string
  /** Older environment names still read (after `env`). */
  envAliases?: string[]
  help: string
  /** How a rejected value is quoted back (a database URL without its password). */
  shown?: (raw: string) => string
}
interface ValueOption<T> extends Common {
  kind: 'value' | 'env'
  arg: string
  schema: z.ZodType<T, string>
}
interface ListOption extends Common {
  kind: 'list'
  arg: string
  schema: z.ZodType<string, string>
}
interface SwitchOption extends Common {
  kind: 'switch'
}
type OptionSpec = ValueOption<unknown> | ListOption | SwitchOption

/** A whole number from `min` to `max` (`what` names the unit in the error). */
function wholeNumber(min: number, max = Number.MAX_SAFE_INTEGER, what = 'a whole number') {
  const range = max === Number.MAX_SAFE_INTEGER ? `${min} or more` : `from ${min} to ${max}`
  return z
    .string()
    .refine((s) => /^\d+$/.test(s.trim()) && Number(s) >= min && Number(s) <= max, {
      message: `takes ${what} ${range}`,
    })
    .transform(Number)
}

/** `30m`, `6h`, `1d` or a bare number of minutes, at least 5 minutes; in milliseconds. */
function duration() {
  const UNIT: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 }
  const ms = (s: string) => {
    const m = /^(\d+)([mhd]?)$/.exec(s.trim())
    return m ? Number(m[1]) * UNIT[m[2] || 'm'] : NaN
  }
  return z
    .string()
    .refine((s) => ms(s) >= 5 * 60_000 && ms(s) <= 366 * 86_400_000, {
      message: 'takes a duration such as 30m, 6h or 1d, from 5m to 366d',
    })
    .transform(ms)
}

const text = (what: string) =>
  z
    .string()
    .trim()
    .min(1, { message: `takes ${what}` })

const value = <T>(o: Omit<ValueOption<T>, 'kind'>): ValueOption<T> => ({ kind: 'value', ...o })
const secret = <T>(o: Omit<ValueOption<T>, 'kind'>): ValueOption<T> => ({ kind: 'env', ...o })
const list = (o: Omit<ListOption, 'kind'>): ListOption => ({ kind: 'list', ...o })
const toggle = (o: Omit<SwitchOption, 'kind'>): SwitchOption => ({ kind: 'switch', ...o })

export const SERVE_OPTIONS = {
  data: value({
    env: 'KEYWARDEN_DATA',
    arg: 'DIR',
    schema: text('a folder'),
    help: 'data directory (default: ~/.keywarden)',
  }),
  database: value({
    env: 'KEYWARDEN_DATABASE_URL',
    arg: 'URL',
    schema: z.string().refine(isPostgresUrl, {
      message:
        'takes a postgres:// URL; without it the database is the SQLite file in the data directory',
    }),
    shown: redactedUrl,
    help:
      'a PostgreSQL database, postgres://user:pass@host/db, instead of the SQLite file in the ' +
      'data directory; nodes sharing one database need the same keys in their data directories',
  }),
  port: value({
    env: 'KEYWARDEN_PORT',
    arg: 'N',
    schema: wholeNumber(0, 65535),
    help: `port to listen on (default ${DEFAULT_PORT}; 0 picks a free port)`,
  }),
  host: value({
    env: 'KEYWARDEN_HOST',
    arg: 'H',
    schema: text('an address to bind'),
    help: 'address to bind (default 127.0.0.1; 0.0.0.0 exposes it on the LAN)',
  }),
  console: toggle({ env: 'KEYWARDEN_CONSOLE', help: 'serve the web console at /console' }),
  'trusted-proxy': list({
    env: 'KEYWARDEN_TRUSTED_PROXIES',
    arg: 'IP/CIDR',
    schema: z.string().refine(isAddressOrCidr, { message: 'takes an IP address or CIDR block' }),
    help:
      'a proxy (address or CIDR) whose X-Forwarded-For / Forwarded headers are believed; ' +
      'repeat or comma-separate',
  }),
  'allowed-host': list({
    env: 'KEYWARDEN_ALLOWED_HOSTS',
    arg: 'NAME',
    schema: z.string().refine(isHostName, { message: 'takes a host name without port' }),
    help:
      "a host name the management API and console answer to besides this machine's own; " +
      'repeat or comma-separate',
  }),
  restore: value({
    env: 'KEYWARDEN_RESTORE',
    arg: 'FILE',
    schema: text('a backup file'),
    help:
      'first make the (empty) data folder the installation backup FILE came from: its ' +
      'database, master.key, RSA and Ed25519 keys (from FILE.keys, opened with the backup key)',
  }),
  'backup-key-file': value({
    env: 'KEYWARDEN_BACKUP_KEY_FILE',
    arg: 'PATH',
    schema: text('a file holding the backup key'),
    help: 'the backup key (Settings → Backup; backup.key) that opens --restore FILE.keys and seals scheduled backups, read from PATH',
  }),
  'cull-interval': value({
    env: 'KEYWARDEN_CULL_INTERVAL',
    arg: 'S',
    schema: wholeNumber(0, Number.MAX_SAFE_INTEGER, 'a whole number of seconds,'),
    help:
      'seconds between culling runs, which free the floating seats of machines whose ' +
      'heartbeats stopped (default 30; 0 = only on demand)',
  }),
  'backup-interval': value({
    env: 'KEYWARDEN_BACKUP_INTERVAL',
    arg: 'T',
    schema: duration(),
    help:
      'write an installation backup (database + sealed keys) every T: 30m, 6h, 1d (bare number: ' +
      'minutes; at least 5m); needs the backup key',
  }),
  'backup-retention': value({
    env: 'KEYWARDEN_BACKUP_RETENTION',
    arg: 'N',
    schema: wholeNumber(1, 1000),
    help: 'how many scheduled backups to keep, the oldest deleted first (default 7)',
  }),
  'backup-dir': value({
    env: 'KEYWARDEN_BACKUP_DIR',
    arg: 'DIR',
    schema: text('a folder'),
    help: 'where scheduled backups go (default: backups/ in the data directory)',
  }),
  'log-level': value({
    env: 'KEYWARDEN_LOG_LEVEL',
    arg: 'LEVEL',
    schema: z
      .string()
      .transform((s) => s.trim().toLowerCase())
      .refine((s) => (LOG_LEVELS as readonly string[]).includes(s), {
        message: `takes one of ${LOG_LEVELS.join(', ')}`,
      })
      .transform((s) => s as LogLevel),
    help: 'fatal, error, warn, info (default), debug, trace or silent; JSON lines, pretty on a terminal',
  }),
  metrics: toggle({
    env: 'KEYWARDEN_METRICS',
    help: 'serve Prometheus metrics at /metrics to this machine (and to --metrics-token holders)',
  }),
  'metrics-token': value({
    env: 'KEYWARDEN_METRICS_TOKEN',
    arg: 'TOKEN',
    schema: z.string().min(16, { message: 'takes a token of at least 16 characters' }),
    help: 'also answer /metrics to remote scrapers sending Authorization: Bearer TOKEN',
  }),
  workers: value({
    env: 'KEYWARDEN_WORKERS',
    arg: 'N',
    schema: z.string().transform((s, ctx) => {
      try {
        return parseWorkers(s.trim())
      } catch {
        ctx.addIssue({ code: 'custom', message: `takes a whole number from 1 to ${MAX_WORKERS}, or auto` })
        return z.NEVER
      }
    }),
    help: 'processes serving HTTP on the one port (default: one per core; 1 = one process; README, Scale out)',
  }),
  'reset-identity': toggle({
    env: 'KEYWARDEN_RESET_IDENTITY',
    help:
      'replace a missing or damaged RSA or Ed25519 key (keys/) with a new one: apps that ' +
      'pinned the old public key stop verifying, so only do this deliberately',
  }),
  'backup-key': secret({
    env: 'KEYWARDEN_BACKUP_KEY',
    arg: 'KEY',
    schema: text('the backup key'),
    help: 'the backup key itself, instead of --backup-key-file',
  }),
  'setup-token': secret({
    env: 'KEYWARDEN_SETUP_TOKEN',
    envAliases: ['KEYWARDEN_CONSOLE_TOKEN'],
    arg: 'TOKEN',
    schema: text('a token'),
    help:
      'the setup token that creates the first admin; otherwise a random one is printed while ' +
      'no admin exists',
  }),
} satisfies Record<string, OptionSpec>

type Specs = typeof SERVE_OPTIONS
type OptionValue<S> = S extends SwitchOption
  ? boolean
  : S extends ListOption
    ? string[]
    : S extends ValueOption<infer T>
      ? T | undefined
      : never
/** What the headless server runs with; options left out are undefined (lists empty). */
export type ServeOptions = { [K in keyof Specs]: OptionValue<Specs[K]> }

export type ParsedServe = { help: true } | { help: false; options: ServeOptions }

/** A bad command line or environment: one line for the operator; the server exits 2. */
export class ServeOptionError extends Error {}

const ON = /^(1|true|yes|on)$/i
const OFF = /^(0|false|no|off|)$/i
const entries = Object.entries(SERVE_OPTIONS) as [string, OptionSpec][]

function label(name: string, spec: OptionSpec): string {
  return spec.kind === 'env' ? spec.env : `--${name} / ${spec.env}`
}

function fromEnv(spec: OptionSpec, env: NodeJS.ProcessEnv): string | undefined {
  for (const key of [spec.env, ...(spec.envAliases ?? [])]) {
    if (env[key] !== undefined && env[key] !== '') return env[key]
  }
  return undefined
}

function check<T>(name: string, spec: OptionSpec, schema: z.ZodType<T, string>, raw: string): T {
  const r = schema.safeParse(raw)
  if (r.success) return r.data
  const got = spec.shown ? spec.shown(raw) : raw
  throw new ServeOptionError(`${label(name, spec)} ${r.error.issues[0].message} (got ${got})`)
}

function flagsOf(argv: string[]) {
  const options: Record<
    string,
    { type: 'string' | 'boolean'; multiple?: boolean; short?: string }
  > = { help: { type: 'boolean', short: 'h' } }
  for (const [name, spec] of entries) {
    if (spec.kind === 'env') continue
    options[name] = { type: spec.kind === 'switch' ? 'boolean' : 'string' }
    if (spec.kind === 'list') options[name].multiple = true
  }
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values
  } catch (e) {
    const m = (e as Error).message
    const unknown = /Unknown option '([^']+)'/.exec(m)
    if (unknown) throw new ServeOptionError(`unknown option ${unknown[1]} (see --help)`)
    const missing = /Option '(-\S+)(?: <value>)?' argument missing/.exec(m)
    if (missing)
      throw new ServeOptionError(`${missing[1].replace(/^-\w, /, '')} needs a value (see --help)`)
    const positional = /Unexpected argument '([^']+)'/.exec(m)
    if (positional) throw new ServeOptionError(`unexpected argument ${positional[1]} (see --help)`)
    throw new ServeOptionError(`${m} (see --help)`)
  }
}

/**
 * The headless server's options from its command line and environment. Throws
 * ServeOptionError (one line naming the flag and its variable) on an unknown flag or a bad value.
 */
export function parseServeOptions(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
): ParsedServe {
  const flags = flagsOf(argv)
  if (flags.help) return { help: true }
  const out: Record<string, unknown> = {}
  for (const [name, spec] of entries) {
    const flag = flags[name]
    const envText = fromEnv(spec, env)
    if (spec.kind === 'switch') {
      if (flag !== undefined) out[name] = flag === true
      else if (envText === undefined || OFF.test(envText.trim())) out[name] = false
      else if (ON.test(envText.trim())) out[name] = true
      else throw new ServeOptionError(`${label(name, spec)} takes 1 or 0 (got ${envText})`)
    } else if (spec.kind === 'list') {
      const items = splitList(flag !== undefined ? (flag as string[]) : [envText])
      out[name] = items.map((item) => check(name, spec, spec.schema, item))
    } else {
      const raw = (flag as string | undefined) ?? envText
      out[name] = raw === undefined ? undefined : check(name, spec, spec.schema, raw)
    }
  }
  return { help: false, options: out as ServeOptions }
}

function wrap(textBlock: string, indent: number, width = 96): string[] {
  const lines: string[] = []
  let line = ''
  for (const word of textBlock.split(' ')) {
    if (line && line.length + word.length + 1 > width - indent) {
      lines.push(line)
      line = word
    } else line = line ? `${line} ${word}` : word
  }
  if (line) lines.push(line)
  return lines
}

/** `--help`: every option with its variable, from SERVE_OPTIONS. */
export function serveHelp(): string {
  const col = 26
  const out = [
    'Usage: npm run serve -- [options]',
    '',
    'Options (each also read from its environment variable; the flag wins):',
  ]
  const block = (head: string, help: string) => {
    const body = wrap(help, col)
    // A head too wide for its column gets a line of its own.
    if (head.length >= col - 3) out.push(`  ${head}`)
    else out.push(`  ${head.padEnd(col - 2)}${body.shift()}`)
    for (const l of body) out.push(' '.repeat(col) + l)
  }
  for (const [name, spec] of entries) {
    if (spec.kind === 'env') continue
    const head = spec.kind === 'switch' ? `--${name}` : `--${name} ${spec.arg}`
    const env = spec.kind === 'switch' ? `$${spec.env}=1` : `$${spec.env}`
    block(head, `${spec.help} (${env})`)
  }
  block('-h, --help', 'this help')
  out.push('', 'Environment only:')
  for (const [, spec] of entries) {
    if (spec.kind !== 'env') continue
    const names = [spec.env, ...(spec.envAliases ?? [])].map((n) => `$${n}`).join(' or ')
    block(names, spec.help)
  }
  return out.join('\n')
}

/** Every KEYWARDEN_* variable the server reads from SERVE_OPTIONS. */
export function serveEnvNames(): string[] {
  return entries.flatMap(([, spec]) => [spec.env, ...(spec.envAliases ?? [])])
}
