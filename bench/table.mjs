// The stdout table of a run (the same numbers as the JSON file).

const fmt = (v, d = 1) =>
  v === null || v === undefined ? '-' : typeof v === 'number' ? v.toFixed(d) : String(v)

/** The load generator of a run and its CPU (cores), and of the N-worker run's when there is one. */
function clientOf(s, sN) {
  if (!s?.client) return ''
  const cores = [s, sN]
    .filter((r) => r?.client_cores !== undefined)
    .map((r) => fmt(r.client_cores, 2))
  return `${s.client} (${cores.join(' / ')})`
}

export function printTable(out) {
  const n = out.workers?.count
  const w = (name) => out.workers?.scenarios?.[name]
  const rows = [
    [
      'scenario',
      'req/s',
      'p50 ms',
      'p99 ms',
      'x ref',
      'CPU µs/req',
      'x ref CPU',
      'cores',
      `${n ?? 'N'}w req/s`,
      `${n ?? 'N'}w x ref`,
      `${n ?? 'N'}w p99 ms`,
      `${n ?? 'N'}w cores`,
      'client (cores)',
      'note',
    ],
  ]
  for (const ref of [out.reference, out.reference_wrk].filter(Boolean)) {
    rows.push([
      ref === out.reference_wrk ? 'reference (wrk)' : 'reference',
      fmt(ref.rps, 0),
      fmt(ref.p50_ms),
      fmt(ref.p99_ms),
      '1.00',
      fmt(ref.cpu_us_per_request, 0),
      '1.00',
      fmt(ref.cpu_cores, 2),
      '',
      '',
      '',
      '',
      clientOf(ref),
      'node:http + 1 stmt + Ed25519',
    ])
  }
  for (const [name, s] of Object.entries(out.scenarios)) {
    const note =
      s.skipped ??
      [
        s.seats_culled !== undefined &&
          `${s.floating_seats} seats, ${s.seats_culled}/${s.seats_dying} dying culled (${s.culled_per_s}/s)`,
        s.non2xx && `${s.non2xx} non-2xx`,
        s.errors && `${s.errors} errors`,
      ]
        .filter(Boolean)
        .join(', ')
    rows.push([
      name,
      fmt(s.rps, 0),
      fmt(s.p50_ms),
      fmt(s.p99_ms),
      fmt(s.ratio, 2),
      fmt(s.cpu_us_per_request, 0),
      fmt(s.cpu_ratio, 2),
      fmt(s.cpu_cores, 2),
      fmt(w(name)?.rps, 0),
      fmt(w(name)?.ratio, 2),
      fmt(w(name)?.p99_ms),
      fmt(w(name)?.cpu_cores, 2),
      clientOf(s, w(name)),
      note || '',
    ])
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)))
  const line = (r) =>
    r
      .map((c, i) =>
        i === 0 || i === r.length - 1 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]),
      )
      .join('  ')
  console.log('')
  console.log(line(rows[0]))
  console.log(widths.map((w) => '-'.repeat(w)).join('  '))
  for (const r of rows.slice(1)) console.log(line(r))
  console.log('')
  if (out.postgres) {
    const pg = [
      [
        'postgres (same run)',
        'sqlite x ref',
        '1 node req/s',
        'x ref',
        '2 nodes req/s',
        'x ref',
        '2-node p99 ms',
      ],
    ]
    for (const name of Object.keys(out.postgres.one_node)) {
      const one = out.postgres.one_node[name]
      const two = out.postgres.two_nodes[name]
      pg.push([
        name,
        fmt(out.scenarios[name]?.ratio, 2),
        fmt(one.rps, 0),
        fmt(one.ratio, 2),
        fmt(two.rps, 0),
        fmt(two.ratio, 2),
        fmt(two.p99_ms),
      ])
    }
    const w = pg[0].map((_, i) => Math.max(...pg.map((r) => String(r[i]).length)))
    const pgLine = (r) =>
      r.map((c, i) => (i === 0 ? String(c).padEnd(w[i]) : String(c).padStart(w[i]))).join('  ')
    console.log(pgLine(pg[0]))
    console.log(w.map((x) => '-'.repeat(x)).join('  '))
    for (const r of pg.slice(1)) console.log(pgLine(r))
    console.log('')
  }
  const facts = [
    ['seed (wall)', out.seed_seconds, 's'],
    ['seed (CPU of the seeding process)', out.seed_cpu_seconds, 's'],
    [
      'bulk create',
      out.bulk_create_seconds,
      `s for ${out.bulk_create_count?.toLocaleString('en') ?? '-'} keys`,
    ],
    ['bulk create (server CPU)', out.bulk_create_cpu_seconds, 's'],
    ['RSA-4096 signatures/s, all cores', out.rsa4096_per_s, '/s (this run)'],
    ['server peak RSS (whole run)', out.rss_mb, 'MB'],
    [`peak RSS per worker (${n ?? '-'} workers)`, out.workers?.rss_mb_per_worker, 'MB'],
    [
      `console RPC during mixed, ${n ?? '-'} workers p50/p99/max`,
      [
        out.workers?.console_rpc_p50_ms,
        out.workers?.console_rpc_p99_ms,
        out.workers?.console_rpc_max_ms,
      ]
        .map((v) => fmt(v))
        .join(' / '),
      'ms',
    ],
    ['server peak RSS under client load', out.rss_mb_load, 'MB'],
    [
      'console RPC during mixed p50/p99/max',
      [out.console_rpc_p50_ms, out.console_rpc_p99_ms, out.console_rpc_max_ms]
        .map((v) => fmt(v))
        .join(' / '),
      'ms',
    ],
    ['console licenses.list during mixed p99', out.console_list_p99_ms, 'ms'],
  ]
  for (const [k, v, u] of facts)
    console.log(`${k.padEnd(40)} ${typeof v === 'number' ? fmt(v, 2) : (v ?? '-')} ${u}`)
  console.log('')
  printTargets(out)
}

/** Issue 19's targets beside this run's values (the N-worker pass where there is one). */
export function targetsOf(out) {
  const at = (name) => out.workers?.scenarios?.[name] ?? out.scenarios[name]
  const ratio = (name) => at(name)?.ratio ?? null
  const p99 = at('validate_2000')?.p99_ms ?? null
  const p99m = at('validate_2000_minute')?.p99_ms ?? null
  // Against the reference of each one's load generator (bench/lib/wrk.mjs): check_session runs
  // on autocannon, validate on wrk where it is installed.
  const validate = ratio('validate')
  const check = ratio('sellrealm_check_session')
  const act = at('activate')?.rps
  const q = (a, b) => (a && b ? Math.round((a / b) * 100) / 100 : null)
  return [
    ['validate x ref', ratio('validate'), '>= 1.0', (v) => v >= 1],
    ['check_session / validate', q(check, validate), '>= 0.8', (v) => v >= 0.8],
    ['heartbeat x ref', ratio('heartbeat'), '>= 0.6', (v) => v >= 0.6],
    ['validate_encrypted x ref', ratio('validate_encrypted'), '>= 0.6', (v) => v >= 0.6],
    ['p99 at 2,000/s, no minute crossing (ms)', p99, '< 10', (v) => v < 10],
    ['p99 at 2,000/s, crossing a minute (ms)', p99m, '< 10', (v) => v < 10],
    ['minute-crossing p99 / other p99', q(p99m, p99), '<= 1.5', (v) => v <= 1.5],
    ['activate / RSA-4096 capacity', q(act, out.rsa4096_per_s), '>= 0.8', (v) => v >= 0.8],
    [
      `RSS per worker (MB, ${out.meta?.licenses?.toLocaleString('en') ?? '?'} licenses)`,
      out.workers?.rss_mb_per_worker ?? out.rss_mb,
      '< 200 at 1M',
      (v) => v < 200,
    ],
  ].map(([name, value, target, ok]) => ({
    name,
    value,
    target,
    met: value === null || value === undefined ? null : ok(value),
  }))
}

function printTargets(out) {
  console.log('issue 19 targets'.padEnd(48) + 'measured'.padStart(10) + '  target')
  for (const t of targetsOf(out)) {
    const verdict = t.met === null ? 'not measured' : t.met ? 'met' : 'NOT met'
    console.log(
      `${t.name.padEnd(48)}${fmt(t.value, 2).padStart(10)}  ${t.target.padEnd(12)} ${verdict}`,
    )
  }
  console.log('')
}
