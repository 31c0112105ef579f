// Times the console's Licenses screen over its real transport (the headless console RPC) on a
// seeded database: the first page, key-prefix search, customer search, metadata text search,
// filters and sorts. Usage:
//   node bench/console-search.mjs [--data DIR] [--licenses 1000000] [--runs 7]
// Seeds DIR with bench/seed.mjs when it has no database yet; needs `npm run build` (out/main).
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, writeFileSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { consoleClient } from './lib/http.mjs'

const ROOT = join(import.meta.dirname, '..')
const { values } = parseArgs({
  options: {
    data: { type: 'string', default: join(ROOT, '.data/bench-1m') },
    licenses: { type: 'string', default: '1000000' },
    runs: { type: 'string', default: '7' },
  },
})
const runs = Number(values.runs)

if (!existsSync(join(values.data, 'keywarden.db'))) {
  console.error(`seeding ${values.licenses} licenses into ${values.data} …`)
  const r = spawnSync(
    process.execPath,
    [join(ROOT, 'bench/seed.mjs'), '--data', values.data, '--licenses', values.licenses],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  )
  if (r.status !== 0) process.exit(r.status ?? 1)
}

const TOKEN = 'bench-console-token-000000000'
const server = spawn(
  process.execPath,
  [join(ROOT, 'out/main/headless.js'), '--data', values.data, '--port', '0', '--console'],
  {
    env: { ...process.env, KEYWARDEN_CONSOLE_TOKEN: TOKEN },
    stdio: ['ignore', 'pipe', 'inherit'],
  },
)
const base = await new Promise((resolve, reject) => {
  let out = ''
  server.stdout.on('data', (b) => {
    out += b
    const m = /listening on (http:\/\/\S+)/.exec(out)
    if (m) resolve(m[1])
  })
  server.on('exit', (c) => reject(new Error(`server exited ${c}`)))
})

try {
  const api = await consoleClient(base, TOKEN)
  const first = await api.rpc('licenses.list', { page: 1, limit: 100 })
  const sample = first.items[3]
  const prefix9 = sample.license_key.slice(0, 9)
  const email = sample.customer_email ?? 'ada.lovelace'
  const cases = {
    'first page (100 rows, newest first)': { page: 1, limit: 100 },
    'page 5,000 (100 rows)': { page: 5000, limit: 100 },
    [`key prefix "${prefix9}"`]: { q: prefix9, limit: 100 },
    [`key prefix "${prefix9.slice(0, 4)}"`]: { q: prefix9.slice(0, 4), limit: 100 },
    'exact key': { q: sample.license_key, limit: 100 },
    [`customer "${email}"`]: { q: email, limit: 100 },
    'metadata text "enterprise"': { q: 'enterprise', limit: 100 },
    'status = suspended': { status: 'suspended', limit: 100 },
    'sort by expiry ascending': { sort: 'expires_at', order: 'asc', limit: 100 },
    'product filter': { product_id: sample.product_id, limit: 100 },
  }
  const results = {}
  for (const [name, input] of Object.entries(cases)) {
    const times = []
    for (let i = 0; i < runs; i++) times.push(await api.time('licenses.list', input))
    times.sort((a, b) => a - b)
    const r = await api.rpc('licenses.list', input)
    results[name] = {
      median_ms: Math.round(times[Math.floor(times.length / 2)]),
      max_ms: Math.round(times.at(-1)),
      total: r.total,
    }
    console.log(
      `${name.padEnd(44)} median ${String(results[name].median_ms).padStart(6)} ms   max ${String(results[name].max_ms).padStart(6)} ms   total ${r.total}`,
    )
  }
  const t = await api.time('dashboard.summary', {})
  console.log(`${'dashboard.summary'.padEnd(44)} ${Math.round(t)} ms`)
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true })
  writeFileSync(
    join(ROOT, 'bench/results/console-search.json'),
    JSON.stringify({ licenses: first.total, runs, results, dashboard_ms: Math.round(t) }, null, 2),
  )
} finally {
  server.kill('SIGTERM')
}
