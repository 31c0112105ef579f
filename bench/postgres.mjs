// `npm run bench -- --database postgres://USER@HOST:PORT/DB`: after the SQLite run, the same
// validate and activate scenarios on PostgreSQL, first against one headless node, then against
// two nodes on the same database (the load split evenly between them, as a load balancer
// would), each ratio against the reference measured earlier in the same run.
//
// The given database is only used to create (and at the end drop) a fresh database for the run.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { runNode, startLoadGenerator, startNode } from './lib/procs.mjs'
import { consoleClient } from './lib/http.mjs'
import { setupFixtures } from './setup.mjs'

const SCENARIOS = ['validate', 'activate']

/** A fresh database on the server of `url`; returns its URL and a function that drops it. */
async function freshDatabase(url) {
  const name = `kw_bench_${process.pid}_${randomBytes(3).toString('hex')}`
  const admin = new pg.Client({ connectionString: url })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${name}`)
  await admin.end()
  const target = new URL(url)
  target.pathname = `/${name}`
  return {
    url: target.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: url })
      await c.connect()
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      await c.end()
    },
  }
}

export async function postgresPhase({ databaseUrl, entry, config, log, referenceRps, procs }) {
  const db = await freshDatabase(databaseUrl)
  const dir = mkdtempSync(join(tmpdir(), 'kw-bench-pg-'))
  const load = [startLoadGenerator(), startLoadGenerator()]
  const nodes = []
  try {
    log(`postgres: seeding ${config.licenses.toLocaleString('en')} licenses`)
    const fxFile = join(dir, 'seed.json')
    await runNode([
      'bench/seed.mjs',
      '--data',
      dir,
      '--database',
      db.url,
      '--licenses',
      String(config.licenses),
      '--pool',
      String(config.pool),
      '--out',
      fxFile,
    ])
    const seeded = JSON.parse(readFileSync(fxFile, 'utf8'))
    log(`postgres: seeded in ${seeded.timing.seed_seconds.toFixed(1)} s`)
    const token = randomBytes(18).toString('base64url')
    // Both nodes share the data folder's keys (master.key, the RSA identity), as nodes behind one
    // load balancer must; the first start creates them, so the second starts after it.
    const start = async (name) => {
      const node = await startNode(
        [
          entry,
          '--data',
          dir,
          '--database',
          db.url,
          '--host',
          '127.0.0.1',
          '--port',
          '0',
          '--console',
        ],
        {
          env: { KEYWARDEN_SETUP_TOKEN: token },
          ready: /listening on (http:\/\/127\.0\.0\.1:\d+)/,
          name,
        },
      )
      nodes.push(node)
      procs.push(node)
      return node.match[1]
    }
    const urlA = await start('keywarden-pg-a')
    const urlB = await start('keywarden-pg-b')
    log(`postgres: node A ${urlA}, node B ${urlB}`)
    const fx = await setupFixtures({
      url: urlA,
      refUrl: urlA,
      seeded,
      consoleApi: await consoleClient(urlA, token),
      config,
      log,
      setupToken: token,
    })
    const base = { duration: config.duration, warmup: config.warmup }
    const ratio = (rps) => (referenceRps ? Math.round((rps / referenceRps) * 100) / 100 : null)
    const out = { one_node: {}, two_nodes: {} }
    for (const name of SCENARIOS) {
      const prime = name === 'validate' ? { prime: 1_000 } : {}
      const one = await load[0].run({
        ...base,
        ...prime,
        name,
        connections: config.connections,
        fixtures: { ...fx, url: urlA, runId: `pg1-${name}` },
      })
      out.one_node[name] = summary(one, ratio)
      // Half the connections on each node, at the same time.
      const [a, b] = await Promise.all(
        [urlA, urlB].map((url, i) =>
          load[i].run({
            ...base,
            ...prime,
            name,
            connections: config.connections / 2,
            fixtures: { ...fx, url, runId: `pg2-${name}-${i}` },
          }),
        ),
      )
      out.two_nodes[name] = {
        ...summary({ ...a, rps: a.rps + b.rps, p99_ms: Math.max(a.p99_ms, b.p99_ms) }, ratio),
        p50_ms: Math.max(a.p50_ms, b.p50_ms),
        non2xx: a.non2xx + b.non2xx || undefined,
      }
      log(
        `postgres ${name}: one node ${one.rps} req/s (p99 ${one.p99_ms} ms), ` +
          `two nodes ${a.rps + b.rps} req/s (p99 ${Math.max(a.p99_ms, b.p99_ms)} ms)`,
      )
      for (const r of [one, a, b])
        if (r.sample_failure) log(`  first failure: ${JSON.stringify(r.sample_failure)}`)
    }
    return out
  } finally {
    for (const l of load) l.stop()
    // The nodes hold connections to the database: stop them before dropping it.
    for (const n of nodes.reverse()) await n.stop().catch(() => {})
    await db.drop().catch((e) => log(`postgres: could not drop the run's database: ${e.message}`))
    rmSync(dir, { recursive: true, force: true })
  }
}

function summary(r, ratio) {
  return {
    rps: r.rps,
    p50_ms: r.p50_ms,
    p99_ms: r.p99_ms,
    ratio: ratio(r.rps),
    ...(r.non2xx ? { non2xx: r.non2xx } : {}),
  }
}
