// `npm run bench [-- --quick] [--profile] [--only a,b] [--keep] [--database postgres://...]`
//
// Seeds a fresh data directory, starts the headless Keywarden and the reference server as
// separate processes on 127.0.0.1, drives them from a third process (autocannon, bench/load.mjs)
// for a bounded time per scenario, and writes bench/results/latest.json (quick.json with
// --quick). See the "Benchmarks" section of README.md for what each number means.
import '../scripts/check-node.cjs'
import { stopWhenOrphaned } from '../scripts/stop-when-orphaned.mjs'
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir, cpus } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { randomBytes } from 'node:crypto'
import { ROOT } from './lib/ts-import.mjs'
import {
  childrenOf,
  ensureBuilt,
  runNode,
  rssOf,
  startLoadGenerator,
  startNode,
} from './lib/procs.mjs'
import { consoleClient, percentile } from './lib/http.mjs'
import { setupFixtures, takeFloatingSeats } from './setup.mjs'
import { bulkCreate } from './bulk.mjs'
import { printTable, targetsOf } from './table.mjs'
import { postgresPhase } from './postgres.mjs'
import Database from 'better-sqlite3'
import { FLOATING_SEAT_HWID } from './seed.mjs'
import { wrkInstalled } from './lib/wrk.mjs'

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    only: { type: 'string' },
    keep: { type: 'boolean', default: false },
    licenses: { type: 'string' },
    bulk: { type: 'string' },
    duration: { type: 'string' },
    database: { type: 'string' },
    // The worker count of the second pass (default: one per core; the first pass runs 1).
    workers: { type: 'string' },
  },
})
const WORKERS = Number(args.workers ?? cpus().length)

const CONFIG = args.quick
  ? {
      licenses: 100_000,
      pool: 12_000,
      sessions: 200,
      duration: 3,
      warmup: 1,
      connections: 32,
      bulk: 10_000,
      floating: 100_000,
    }
  : {
      licenses: 1_000_000,
      pool: 20_000,
      sessions: 2_000,
      duration: 15,
      warmup: 3,
      connections: 32,
      bulk: 100_000,
      floating: 100_000,
    }
// Overrides for profiling one part (the results file then says what was run).
if (args.licenses) CONFIG.licenses = Number(args.licenses)
if (args.bulk) CONFIG.bulk = Number(args.bulk)
if (args.duration) CONFIG.duration = Number(args.duration)
const SCENARIOS = [
  'validate',
  'validate_2000',
  // The same, timed so that a minute boundary falls in the middle of the measured seconds.
  'validate_2000_minute',
  'validate_cold',
  'validate_encrypted',
  'heartbeat',
  'sellrealm_check_session',
  'search',
  'activate',
  'mixed',
  // Last: the seats it arms to die keep culling busy a moment after it ends.
  'heartbeat_floating',
]

/** Scenarios run again against `--workers N` (same data, same run). */
const WORKER_SCENARIOS = [
  'validate',
  'validate_2000',
  'validate_2000_minute',
  'validate_encrypted',
  'heartbeat',
  'sellrealm_check_session',
  'activate',
  'mixed',
]

/**
 * Scenarios wrk drives when it is installed (bench/lib/wrk.mjs: a lighter load generator, which
 * leaves the cores to the servers); the rest need autocannon (a request rate, per-answer chains
 * a wrk script cannot follow). The reference runs on both, and each ratio is taken against the
 * reference of the load generator its scenario ran on.
 */
const WRK_SCENARIOS = new Set([
  'reference',
  'validate',
  'validate_cold',
  'validate_encrypted',
  'heartbeat',
])
const WRK = wrkInstalled()
const clientOf = (name) => (WRK && WRK_SCENARIOS.has(name) ? 'wrk' : 'autocannon')
/** Seconds of unmeasured validate load a freshly started server gets before its first scenario. */
const SERVER_WARMUP_S = 5

/** Of the seeded floating seats, the share armed to die while heartbeat_floating runs. */
const DYING_SHARE = 0.2
const only = args.only ? new Set(args.only.split(',')) : null
const wanted = (name) => !only || only.has(name)
const started = Date.now()
const log = (m) => console.log(`bench [${((Date.now() - started) / 1000).toFixed(0)}s] ${m}`)

const procs = []
let dataDir
async function cleanup() {
  for (const p of procs.reverse()) await p.stop().catch(() => {})
  if (dataDir && !args.keep) rmSync(dataDir, { recursive: true, force: true })
}
process.on('SIGINT', () => void cleanup().then(() => process.exit(130)))
// A signal to npm's pid (its shell goes, stop-when-orphaned.mjs) stops the servers it started.
process.on('SIGTERM', () => void cleanup().then(() => process.exit(143)))
stopWhenOrphaned()

async function main() {
  const entry = ensureBuilt()
  dataDir = mkdtempSync(join(tmpdir(), 'kw-bench-'))
  log(`seeding ${CONFIG.licenses.toLocaleString('en')} licenses into ${dataDir}`)
  const fxFile = join(dataDir, 'seed.json')
  await runNode([
    'bench/seed.mjs',
    '--data',
    dataDir,
    '--licenses',
    String(CONFIG.licenses),
    '--pool',
    String(CONFIG.pool),
    '--out',
    fxFile,
    '--floating',
    String(CONFIG.floating),
    '--beating',
    String(CONFIG.sessions),
  ])
  const seeded = JSON.parse(readFileSync(fxFile, 'utf8'))
  log(`seeded in ${seeded.timing.seed_seconds.toFixed(1)} s`)
  // Before any server runs: the cores to themselves (as much as a shared machine allows).
  const rsa = JSON.parse(await runNode(['bench/rsa-capacity.mjs', '3']))
  log(`RSA-4096 signing capacity: ${rsa.rsa4096_per_s}/s on ${rsa.threads} threads`)

  const ref = await startNode(
    ['bench/reference-server.mjs', '--db', join(dataDir, 'keywarden.db')],
    {
      ready: /\{"port":(\d+)\}/,
      name: 'reference',
    },
  )
  procs.push(ref)
  const token = randomBytes(18).toString('base64url')
  const profileDir = join(ROOT, 'bench/results/profiles')
  if (args.profile) mkdirSync(profileDir, { recursive: true })
  const startKeywarden = (workers) =>
    startNode(
      [
        ...(args.profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
        entry,
        '--data',
        dataDir,
        '--host',
        '127.0.0.1',
        '--port',
        '0',
        '--console',
        // Culling every second (default 30): heartbeat_floating measures heartbeats while it runs.
        '--cull-interval',
        '1',
        '--workers',
        String(workers),
      ],
      {
        env: { KEYWARDEN_SETUP_TOKEN: token },
        ready:
          workers > 1
            ? /listening on (http:\/\/127\.0\.0\.1:\d+)[\s\S]*Workers: /
            : /listening on (http:\/\/127\.0\.0\.1:\d+)/,
        name: `keywarden --workers ${workers}`,
      },
    )
  const kw = await startKeywarden(1)
  procs.push(kw)
  const url = kw.match[1]
  const refUrl = `http://127.0.0.1:${ref.match[1]}`
  log(`keywarden ${url} (pid ${kw.pid}), reference ${refUrl} (pid ${ref.pid})`)

  let peakRss = 0
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssOf(kw.pid).rss_mb)), 250)
  const fx = await setupFixtures({
    url,
    refUrl,
    seeded,
    consoleApi: await consoleClient(url, token),
    config: CONFIG,
    log,
    setupToken: token,
  })

  // From here on the console is the bench account's (the setup token retired with it).
  const consoleApi = fx.consoleApi
  const load = startLoadGenerator()
  procs.push({ stop: async () => load.stop() })
  const out = { reference: { rps: null }, scenarios: {}, rss_mb: null }
  const base = {
    fixtures: fx,
    duration: CONFIG.duration,
    warmup: CONFIG.warmup,
    connections: CONFIG.connections,
  }

  if (!WRK)
    log(
      "wrk is not installed (apt-get install wrk): every scenario runs on autocannon, whose CPU comes out of the servers' share of the cores",
    )
  // The reference runs first and last, on each load generator; ratios use the better of the two
  // runs, so that other load on a shared machine during one of them cannot flatter Keywarden's.
  const clients = WRK ? ['autocannon', 'wrk'] : ['autocannon']
  const refRuns = async (when) => {
    const runs = {}
    for (const client of clients) {
      const r = await load.run({ ...base, name: 'reference', serverPid: ref.pid, client })
      runs[client] = r
      log(
        `reference (${when}, ${client}): ${r.rps} req/s, p99 ${r.p99_ms} ms, ${r.cpu_us_per_request} µs CPU/req, client ${r.client_cores} cores`,
      )
    }
    return runs
  }
  const refFirst = await refRuns('first')
  const ref1 = refFirst.autocannon
  /** A fresh server's first seconds (JIT, caches) are not any scenario's. */
  const warmServer = (f, pid) =>
    load.run({
      ...base,
      name: 'validate',
      warmup: 0,
      duration: SERVER_WARMUP_S,
      fixtures: { ...f, runId: 'warm' },
      serverPid: pid,
      client: clientOf('validate'),
    })

  /** Runs one scenario against a server (`pid`, fixtures `f`); null when it is skipped. */
  const runOne = async (name, f, pid, api) => {
    const runId = `${name}${f.runSuffix ?? ''}` // new HWIDs, envelopes per pass
    const msg = { ...base, name, fixtures: { ...f, runId }, serverPid: pid, client: clientOf(name) }
    if (name.startsWith('validate_2000')) Object.assign(msg, { overallRate: 2000, connections: 16 })
    if (['validate', 'validate_2000', 'validate_2000_minute', 'mixed'].includes(name))
      msg.prime = 1_000
    // A vendor searching from the console or a script: one request at a time, so p99 is the
    // server's time per search (32 concurrent searches would measure the queue instead).
    if (name === 'search') msg.connections = 1
    if (name === 'validate_encrypted')
      msg.prebuild = Math.min(200_000, (ref1.rps || 5000) * (CONFIG.duration + CONFIG.warmup))
    let probe = null
    if (name === 'mixed') probe = probeConsole(api, CONFIG.duration + CONFIG.warmup)
    if (name === 'validate_2000') await minuteAlign(false)
    if (name === 'validate_2000_minute') await minuteAlign(true)
    if (name === 'heartbeat_floating') {
      const { made } = await takeFloatingSeats({ ...fx, url: f.url, config: CONFIG })
      msg.fixtures.floatingSessions = made.filter((s) => !s.error)
    }
    const seats = name === 'heartbeat_floating' ? armFloatingSeats() : null
    const r = await load.run(msg)
    if (seats) Object.assign(r, seats.done())
    log(
      `${name}: ${r.rps} req/s, p50 ${r.p50_ms} ms, p99 ${r.p99_ms} ms, ${r.cpu_us_per_request} µs CPU/req on ${r.cpu_cores} cores (non-2xx ${r.non2xx}, errors ${r.errors}; ${r.client} ${r.client_cores} cores)`,
    )
    if (r.sample_failure) log(`  first failure: ${JSON.stringify(r.sample_failure)}`)
    return {
      result: {
        rps: r.rps,
        p50_ms: r.p50_ms,
        p99_ms: r.p99_ms,
        ratio: null,
        cpu_cores: r.cpu_cores,
        cpu_us_per_request: r.cpu_us_per_request,
        client: r.client,
        client_cores: r.client_cores,
        ...extra(r),
      },
      console: probe && (await probe),
    }
  }

  /**
   * Waits so that the next scenario's measured seconds (after ~1 s of priming and the warm-up)
   * either contain no minute boundary or have one in their middle.
   */
  async function minuteAlign(crossing) {
    const lead = 1000 + CONFIG.warmup * 1000
    const toNext = 60_000 - (Date.now() % 60_000)
    const wait = crossing
      ? (toNext - lead - CONFIG.duration * 500 + 60_000) % 60_000
      : toNext < lead + CONFIG.duration * 1000 + 2000
        ? toNext + 500
        : 0
    if (wait > 0) log(`waiting ${(wait / 1000).toFixed(0)} s for the minute`)
    await new Promise((r) => setTimeout(r, wait))
  }

  await warmServer(fx, kw.pid)
  let consoleProbe = null
  for (const name of SCENARIOS) {
    if (!wanted(name)) continue
    const missing = fx.missing[name.replace('_minute', '')]
    if (missing) {
      out.scenarios[name] = { rps: null, p50_ms: null, p99_ms: null, ratio: null, skipped: missing }
      log(`${name}: skipped (${missing})`)
      continue
    }
    const r = await runOne(name, fx, kw.pid, consoleApi)
    out.scenarios[name] = r.result
    if (r.console) consoleProbe = r.console
  }
  if (consoleProbe) Object.assign(out, consoleProbe)

  // Peak under the client load alone, before bulk creation's 10,000-key answers.
  out.rss_mb_load = Math.round(peakRss)
  if (wanted('bulk')) {
    const b = await bulkCreate({
      consoleApi,
      product: seeded.products[0].id,
      count: CONFIG.bulk,
      log,
      serverPid: kw.pid,
    })
    Object.assign(out, b)
  }

  clearInterval(sampler)
  const { hwm_mb } = rssOf(kw.pid)
  out.rss_mb = Math.round(Math.max(peakRss, hwm_mb))
  out.rsa4096_per_s = rsa.rsa4096_per_s

  // The worker pass: the 1-worker server makes way for `--workers N` on the same data (the
  // load generator's session chains go on where they were), and the same scenarios run again.
  if (WORKERS > 1 && WORKER_SCENARIOS.some(wanted)) {
    await kw.stop()
    procs.splice(procs.indexOf(kw), 1)
    const kwN = await startKeywarden(WORKERS)
    procs.push(kwN)
    const urlN = kwN.match[1]
    log(
      `keywarden --workers ${WORKERS} ${urlN} (primary pid ${kwN.pid}, workers ${childrenOf(kwN.pid).join(', ')})`,
    )
    const perWorker = new Map()
    const samplerN = setInterval(() => {
      for (const c of childrenOf(kwN.pid))
        perWorker.set(c, Math.max(perWorker.get(c) ?? 0, rssOf(c).rss_mb))
    }, 250)
    const apiN = await consoleClient(urlN, {
      email: 'bench@example.com',
      password: 'bench-password-123',
    })
    out.workers = { count: WORKERS, scenarios: {} }
    await warmServer({ ...fx, url: urlN }, kwN.pid)
    for (const name of WORKER_SCENARIOS) {
      if (!wanted(name) || out.scenarios[name]?.skipped) continue
      const r = await runOne(name, { ...fx, url: urlN, runSuffix: '_w' }, kwN.pid, apiN)
      out.workers.scenarios[name] = r.result
      if (r.console) Object.assign(out.workers, r.console)
    }
    clearInterval(samplerN)
    out.workers.rss_mb_per_worker = Math.round(Math.max(0, ...perWorker.values()))
  }

  const refLast = await refRuns('last')
  /** The better of a load generator's two reference runs. */
  const referenceOf = (client) => {
    const [a, b] = [refFirst[client], refLast[client]]
    const best = b.rps > a.rps ? b : a
    return {
      client,
      rps: best.rps,
      p50_ms: best.p50_ms,
      p99_ms: best.p99_ms,
      runs_rps: [a.rps, b.rps],
      cpu_cores: best.cpu_cores,
      cpu_us_per_request: best.cpu_us_per_request,
      client_cores: best.client_cores,
    }
  }
  out.reference = referenceOf('autocannon')
  if (WRK) out.reference_wrk = referenceOf('wrk')
  for (const s of [
    ...Object.values(out.scenarios),
    ...Object.values(out.workers?.scenarios ?? {}),
  ]) {
    const best = s.client === 'wrk' ? out.reference_wrk : out.reference
    if (s.rps !== null && best.rps) s.ratio = Math.round((s.rps / best.rps) * 100) / 100
    // The same comparison in CPU per request (reference's / ours: higher is better, like x ref).
    if (s.cpu_us_per_request && best.cpu_us_per_request)
      s.cpu_ratio = Math.round((best.cpu_us_per_request / s.cpu_us_per_request) * 100) / 100
  }
  if (args.database) {
    // The SQLite phase's processes go first: the PostgreSQL nodes get the machine to themselves.
    for (const p of procs.splice(0).reverse()) await p.stop().catch(() => {})
    out.postgres = await postgresPhase({
      databaseUrl: args.database,
      entry,
      config: CONFIG,
      log,
      referenceRps: out.reference.rps,
      procs,
    })
  }
  out.seed_seconds = round(seeded.timing.seed_seconds)
  out.seed_cpu_seconds = round(seeded.timing.seed_cpu_seconds)
  out.meta = {
    quick: args.quick,
    licenses: CONFIG.licenses,
    duration_s: CONFIG.duration,
    connections: CONFIG.connections,
    node: process.version,
    cpus: cpus().length,
    date: new Date().toISOString(),
    wall_seconds: Math.round((Date.now() - started) / 1000),
  }
  out.targets = targetsOf(out)
  const file = join(ROOT, 'bench/results', args.quick ? 'quick.json' : 'latest.json')
  writeFileSync(file, JSON.stringify(out, null, 2) + '\n')
  printTable(out)
  log(`wrote ${file}`)
}

/**
 * Makes a fifth of the seeded floating seats die while heartbeat_floating runs (the other
 * four fifths stay held and watched): their seat_dead_at is spread evenly over the scenario's
 * warm-up and measured time, so each culling run (every second) frees its share while the
 * heartbeats go on. Written straight into the SQLite file,
 * as the seed is (a WAL database takes a second writer; Keywarden's culling reads the times).
 * `done()` counts what culling freed.
 */
function armFloatingSeats() {
  const file = join(dataDir, 'keywarden.db')
  const db = new Database(file)
  db.pragma('busy_timeout = 10000')
  const pattern = `${FLOATING_SEAT_HWID}%`
  const all = db.prepare('SELECT id FROM machines WHERE hwid LIKE ?').pluck().all(pattern)
  const ids = all.filter((_, i) => i % Math.round(1 / DYING_SHARE) === 0)
  const span = (CONFIG.warmup + CONFIG.duration) * 1000
  const start = Date.now()
  const arm = db.prepare('UPDATE machines SET seat_dead_at = ?, seat_bury_at = ? WHERE id = ?')
  db.transaction(() => {
    ids.forEach((id, i) => {
      const t = new Date(start + Math.floor((i / ids.length) * span)).toISOString()
      arm.run(t, t, id)
    })
  })()
  db.close()
  log(
    `heartbeat_floating: ${ids.length.toLocaleString('en')} silent floating seats die over ${span / 1000} s`,
  )
  return {
    done() {
      const seconds = (Date.now() - start) / 1000
      const ro = new Database(file, { readonly: true })
      const freed = ro
        .prepare(
          "SELECT count(*) FROM machines WHERE hwid LIKE ? AND (seat IS NULL OR seat = 'freed')",
        )
        .pluck()
        .get(pattern)
      ro.close()
      return {
        floating_seats: all.length,
        seats_dying: ids.length,
        seats_culled: freed,
        culled_per_s: Math.round(freed / seconds),
      }
    },
  }
}

function extra(r) {
  const e = {}
  if (r.floating_seats) {
    e.floating_seats = r.floating_seats
    e.seats_dying = r.seats_dying
    e.seats_culled = r.seats_culled
    e.culled_per_s = r.culled_per_s
  }
  if (r.non2xx) e.non2xx = r.non2xx
  if (r.errors) e.errors = r.errors
  if (r.timeouts) e.timeouts = r.timeouts
  if (r.envelopes_built_live) e.envelopes_built_live = r.envelopes_built_live
  return e
}

const round = (n, d = 2) =>
  n === null || n === undefined ? null : Math.round(n * 10 ** d) / 10 ** d

/**
 * Calls the console every 50 ms while the mixed load runs (as the desktop console's screens
 * would): a trivial channel shows event-loop stalls, a table page shows a real screen.
 */
async function probeConsole(api, seconds) {
  const status = []
  const list = []
  const until = Date.now() + seconds * 1000
  await new Promise((r) => setTimeout(r, 500))
  while (Date.now() < until) {
    status.push(await api.time('server.status'))
    if (status.length % 5 === 0) list.push(await api.time('licenses.list', { limit: 50 }))
    await new Promise((r) => setTimeout(r, 50))
  }
  return {
    console_rpc_p50_ms: round(percentile(status, 50)),
    console_rpc_p99_ms: round(percentile(status, 99)),
    console_rpc_max_ms: round(Math.max(...status)),
    console_list_p99_ms: round(percentile(list, 99)),
    console_rpc_samples: status.length,
  }
}

main()
  .catch((e) => {
    console.error(e instanceof Error ? e.stack : e)
    process.exitCode = 1
  })
  .finally(() => cleanup())
