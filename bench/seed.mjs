// Seeds a fresh Keywarden data directory for the benchmark: 10 products, N licenses (1M by
// default), customers, metadata, and the bound machines the validate scenario needs.
// Run as its own process by bench/run.mjs (`node bench/seed.mjs --data DIR --licenses N`);
// prints one JSON line with the timings and the fixture pools.
//
// It opens the store with the project's own openStore (so the real migrations create the
// real schema), creates the products through the products service, draws every key from the
// project's generateLicenseKey, and bulk-inserts licenses with one prepared better-sqlite3
// statement inside one transaction.
import { parseArgs } from 'node:util'
import { join } from 'node:path'
import { mkdirSync, writeFileSync } from 'node:fs'
import { importSource } from './lib/ts-import.mjs'

const FIRST = [
  'ada',
  'alan',
  'grace',
  'linus',
  'ken',
  'barbara',
  'edsger',
  'donald',
  'margaret',
  'dennis',
]
const LAST = [
  'lovelace',
  'turing',
  'hopper',
  'torvalds',
  'thompson',
  'liskov',
  'dijkstra',
  'knuth',
  'hamilton',
  'ritchie',
]
const DOMAINS = ['example.com', 'example.org', 'mail.test', 'studio.test']
const PLANS = ['basic', 'pro', 'team', 'enterprise']
const DAY = 86_400_000

/** The email of seeded customer number `c` (the search scenario looks some of them up). */
export function customerEmail(c) {
  return `${FIRST[c % 10]}.${LAST[Math.floor(c / 10) % 10]}${c}@${DOMAINS[c % DOMAINS.length]}`
}

/** The pools the scenarios draw from: every `stride`-th license, so they spread over the table. */
export function poolNums(total, size, offset) {
  const stride = Math.max(5, Math.floor(total / size))
  const out = []
  for (let i = 0; i < size && i * stride + offset <= total; i++) out.push(i * stride + offset)
  return out
}

/**
 * Seeds `dir`. `pool` is the size of each scenario pool (validate, activate, session,
 * sellrealm); the pool licenses are active subscriptions that expire well in the future.
 */
export async function seed({
  dir,
  database,
  licenses: total,
  products: productCount = 10,
  pool = 20_000,
  floating = 0,
  beating = 0,
}) {
  const t0 = performance.now()
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  const { openStore } = await importSource('src/main/db/connection.ts')
  const { generateLicenseKey, uuid } = await importSource('src/main/crypto/random.ts')
  const { createServices } = await importSource('src/main/services/index.ts')
  const tLoaded = performance.now()
  const cpu0 = process.cpuUsage()

  const store = await openStore(database ?? join(dir, 'keywarden.db'))
  const services = createServices({ store, dataDir: dir })
  const CONSOLE = { kind: 'console' }
  // Rate limits raised for the run, the way an admin would: the installation setting (the
  // highest value it accepts). Per-key validation limits are raised per product below.
  if (services.settings?.update)
    await services.settings.update(CONSOLE, { api_rate_limit_per_minute: 1_000_000 })
  if (services.store?.config?.update)
    await services.store.config.update(CONSOLE, { rate_limit_per_minute: 1_000_000 })
  const products = []
  for (let p = 0; p < productCount; p++) {
    const dto = await services.products.create(CONSOLE, {
      name: `Bench App ${p + 1}`,
      description: 'Seeded by npm run bench',
      price_cents: 1900 + p * 500,
      // Per-license validation limits raised: the bench spreads load over many keys anyway.
      policy: { validate_per_minute: 100_000, session_minutes: 24 * 60 },
    })
    products.push({ id: dto.id, num: dto.num, secret_key: dto.secret_key })
  }
  // The floating-seat product (issue #16): its licenses' machines hold seats that culling
  // frees once their heartbeats stop (bench/run.mjs arms them before heartbeat_floating).
  if (floating > 0) {
    const dto = await services.products.create(CONSOLE, {
      name: 'Bench Floating',
      description: 'Floating seats, seeded by npm run bench',
      policy: {
        validate_per_minute: 100_000,
        session_minutes: 24 * 60,
        mode: 'floating',
        seats: FLOATING_SEATS_PER_LICENSE * 2,
        heartbeat_seconds: 60,
        dead_machine: 'free_seat',
        resurrection_seconds: 0,
      },
    })
    products.push({ id: dto.id, num: dto.num, secret_key: dto.secret_key, floating: true })
  }

  const now = Date.now()
  const customerCount = Math.max(10, Math.floor(total / 10))
  const pools = {
    validate: poolNums(total, pool, 1),
    activate: poolNums(total, pool, 2),
    session: poolNums(total, pool, 3),
    sellrealm: poolNums(total, pool, 4),
  }
  const rows = generateRows({
    total,
    pools,
    products,
    productCount,
    customerCount,
    now,
    uuid,
    generateLicenseKey,
  })
  if (floating > 0)
    addFloating(rows, {
      seats: floating,
      beating,
      first: total + 1,
      productIndex: productCount,
      product: products[productCount],
      now,
      uuid,
      generateLicenseKey,
    })
  const tInsert = performance.now()
  if (store.dialect === 'postgres') await insertPostgres(store.db, rows)
  else {
    // The bulk load goes straight to the file (prepared statements, one transaction): the
    // services are done with it.
    await store.close()
    const { default: BetterSqlite3 } = await import('better-sqlite3')
    const db = new BetterSqlite3(join(dir, 'keywarden.db'))
    insertSqlite(db, rows)
    db.close()
  }
  const tInserted = performance.now()
  if (store.dialect === 'postgres') await store.close()
  const tEnd = performance.now()
  return {
    licenses: total,
    customers: customerCount,
    products,
    pools: rows.pools,
    timing: {
      load_code_s: (tLoaded - t0) / 1000,
      insert_s: (tInserted - tInsert) / 1000,
      // What the "seeding 1M" target is about: schema + products + rows + analyze.
      seed_seconds: (tEnd - tLoaded) / 1000,
      // CPU the seeding process itself used (user + system): on a shared machine the wall
      // time above includes waiting for a core.
      seed_cpu_seconds: (() => {
        const c = process.cpuUsage(cpu0)
        return (c.user + c.system) / 1e6
      })(),
    },
  }
}

/**
 * The seeded rows, drawn once and inserted by either dialect: customers, licenses (pool
 * licenses are active subscriptions far from expiry) and the machines the validate pool is
 * bound to; `pools` lists what the scenarios use.
 */
function generateRows({
  total,
  pools,
  products,
  productCount,
  customerCount,
  now,
  uuid,
  generateLicenseKey,
}) {
  const nowIso = new Date(now).toISOString()
  const poolOf = new Map()
  for (const [name, nums] of Object.entries(pools)) for (const n of nums) poolOf.set(n, name)
  const out = { validate: [], activate: [], session: [], sellrealm: [] }
  const farFuture = new Date(now + 4 * 365 * DAY).toISOString()
  const customers = []
  for (let c = 0; c < customerCount; c++) {
    customers.push({
      id: uuid(),
      owner_id: null,
      email: customerEmail(c),
      name: `${FIRST[c % 10]} ${LAST[Math.floor(c / 10) % 10]}`,
      created_at: nowIso,
    })
  }
  const licenses = []
  const machines = []
  for (let n = 1; n <= total; n++) {
    const product = products[(n - 1) % productCount]
    const created = now - Math.floor(Math.random() * 730 * DAY)
    const r = Math.random()
    let type = r < 0.6 ? 'subscription' : r < 0.85 ? 'lifetime' : 'trial'
    let expires =
      type === 'lifetime'
        ? null
        : new Date(created + (type === 'trial' ? 14 : 365) * DAY).toISOString()
    const s = Math.random()
    let status = s < 0.97 ? 'active' : s < 0.99 ? 'suspended' : 'banned'
    const role = poolOf.get(n)
    let maxUses = 1 + (n % 3)
    if (role) {
      type = 'subscription'
      status = 'active'
      expires = farFuture
      // Activate pool: each license takes many new machines during the run.
      maxUses = role === 'activate' ? 10_000 : 1
    }
    const id = uuid()
    const key = generateLicenseKey()
    const plan = PLANS[n % PLANS.length]
    const createdIso = new Date(created).toISOString()
    licenses.push({
      num: n,
      id,
      product_id: product.id,
      key,
      type,
      status,
      level: 1 + (n % 3),
      max_uses: maxUses,
      hwid_locked: 1,
      max_sessions: null,
      expires_at: expires,
      metadata: `{"plan":"${plan}","seats":${1 + (n % 25)},"channel":"${n % 7 === 0 ? 'reseller' : 'direct'}"}`,
      notes: '',
      status_reason: status === 'active' ? null : 'seeded',
      customer_id: n % 3 === 0 ? customers[n % customerCount].id : null,
      order_id: null,
      // An installation with history has announced its past expiries already; without this
      // the expiry sweep would spend the run catching up on ~500k license.expired events.
      expired_notified_at: expires !== null && expires <= nowIso ? expires : null,
      created_at: createdIso,
      updated_at: createdIso,
    })
    if (role === 'validate') {
      machines.push({
        id: uuid(),
        license_id: id,
        hwid: `bench-hwid-${n}`,
        name: `PC-${n}`,
        platform: 'win32',
        os_version: '10.0.19045',
        ip: '127.0.0.1',
        first_seen_at: createdIso,
        last_seen_at: createdIso,
        last_heartbeat_at: null,
        seat: null,
        seat_dead_at: null,
        seat_bury_at: null,
      })
    }
    if (role) out[role].push({ key, product: (n - 1) % productCount, hwid: `bench-hwid-${n}` })
  }
  return { customers, licenses, machines, pools: out }
}

/** Seeded seats per floating license (the policy allows twice as many, for the beaters). */
const FLOATING_SEATS_PER_LICENSE = 10

/** A hwid of a seeded (silent) floating seat; bench/run.mjs arms these for culling. */
export const FLOATING_SEAT_HWID = 'bench-float-seat-'

/**
 * `seats` floating seats: seats / 10 licenses of the floating product, each with 10 machines
 * holding a seat that never dies until bench/run.mjs arms it (seat_dead_at far away), and
 * `pools.floating`: `beating` of those licenses, whose apps activate one more machine at setup
 * and heartbeat during the run.
 */
function addFloating(
  rows,
  { seats, beating, first, productIndex, product, now, uuid, generateLicenseKey },
) {
  const nowIso = new Date(now).toISOString()
  const far = new Date(now + 4 * 365 * DAY).toISOString()
  const count = Math.ceil(seats / FLOATING_SEATS_PER_LICENSE)
  rows.pools.floating = []
  for (let i = 0; i < count; i++) {
    const n = first + i
    const id = uuid()
    const key = generateLicenseKey()
    rows.licenses.push({
      num: n,
      id,
      product_id: product.id,
      key,
      type: 'subscription',
      status: 'active',
      level: 1,
      max_uses: FLOATING_SEATS_PER_LICENSE,
      hwid_locked: 0,
      max_sessions: null,
      expires_at: far,
      metadata: '{"plan":"floating"}',
      notes: '',
      status_reason: null,
      customer_id: null,
      order_id: null,
      expired_notified_at: null,
      created_at: nowIso,
      updated_at: nowIso,
    })
    for (
      let m = 0;
      m < FLOATING_SEATS_PER_LICENSE && i * FLOATING_SEATS_PER_LICENSE + m < seats;
      m++
    ) {
      rows.machines.push({
        id: uuid(),
        license_id: id,
        hwid: `${FLOATING_SEAT_HWID}${n}-${m}`,
        name: null,
        platform: 'win32',
        os_version: '10.0.19045',
        ip: '127.0.0.1',
        first_seen_at: nowIso,
        last_seen_at: nowIso,
        last_heartbeat_at: nowIso,
        seat: 'held',
        seat_dead_at: far,
        seat_bury_at: far,
      })
    }
    if (i < beating)
      rows.pools.floating.push({ key, product: productIndex, hwid: `bench-float-beat-${n}` })
  }
}

const insertSql = (table, row) =>
  `INSERT INTO ${table} (${Object.keys(row).join(', ')}) VALUES (${Object.keys(row)
    .map((k) => '@' + k)
    .join(', ')})`

/**
 * SQLite: one transaction of prepared statements. Secondary indexes are rebuilt after the load
 * (one sort each instead of 1M random inserts), and so is the full-text index the insert
 * trigger would feed row by row (FTS5 'rebuild' reads the content table in one pass). The SQL
 * comes from the migrated schema itself, so the result is the same schema with the same contents.
 */
function insertSqlite(db, rows) {
  // Seeding-only connection settings: a larger page cache for the random-order index inserts.
  db.pragma('cache_size = -400000')
  const indexes = db
    .prepare(
      "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'licenses' AND sql IS NOT NULL",
    )
    .all()
  const insertTriggers = db
    .prepare(
      "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'licenses' AND sql LIKE '%AFTER INSERT%'",
    )
    .all()
  const ftsTables = db
    .prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE '%USING fts5%content=''licenses''%'",
    )
    .all()
  const ins = {}
  const insert = (table, row) => (ins[table] ??= db.prepare(insertSql(table, row))).run(row)
  db.transaction(() => {
    for (const ix of indexes) db.exec(`DROP INDEX "${ix.name}"`)
    for (const tr of insertTriggers) db.exec(`DROP TRIGGER "${tr.name}"`)
    for (const c of rows.customers) insert('customers', c)
    for (const l of rows.licenses) insert('licenses', l)
    for (const m of rows.machines) insert('machines', m)
    for (const ix of indexes) db.exec(ix.sql)
    for (const t of ftsTables) db.exec(`INSERT INTO "${t.name}"("${t.name}") VALUES ('rebuild')`)
    for (const tr of insertTriggers) db.exec(tr.sql)
  })()
  db.pragma('cache_size = -32000')
  db.exec('ANALYZE')
}

/** PostgreSQL: multi-row inserts (500 rows a statement) in one transaction, then ANALYZE. */
async function insertPostgres(db, rows) {
  const { sql } = await import('kysely')
  await db.transaction().execute(async (trx) => {
    for (const [table, list] of [
      ['customers', rows.customers],
      ['licenses', rows.licenses],
      ['machines', rows.machines],
    ]) {
      for (let i = 0; i < list.length; i += 500) {
        await trx
          .insertInto(table)
          .values(list.slice(i, i + 500))
          .execute()
      }
    }
    // `num` was given explicitly: move its identity sequence past the seeded rows.
    await sql`SELECT setval(pg_get_serial_sequence('licenses', 'num'), (SELECT max(num) FROM licenses))`.execute(
      trx,
    )
  })
  await sql`ANALYZE`.execute(db)
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      data: { type: 'string' },
      licenses: { type: 'string', default: '1000000' },
      pool: { type: 'string', default: '20000' },
      out: { type: 'string' },
      database: { type: 'string' },
      floating: { type: 'string', default: '0' },
      beating: { type: 'string', default: '0' },
    },
  })
  if (!values.data) throw new Error('--data DIR is required')
  const result = await seed({
    dir: values.data,
    database: values.database,
    licenses: Number(values.licenses),
    pool: Number(values.pool),
    floating: Number(values.floating),
    beating: Number(values.beating),
  })
  const json = JSON.stringify(result)
  if (values.out) writeFileSync(values.out, json)
  console.log(JSON.stringify({ ...result, pools: undefined }))
}
