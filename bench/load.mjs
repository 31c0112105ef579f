// The load generator process. bench/run.mjs forks it once and sends it one message per
// scenario ({ id, name, fixtures, duration, connections, overallRate }); it builds the
// requests (bench/scenarios.mjs), runs autocannon against 127.0.0.1 for `duration` seconds and
// answers { id, result }. Keeping it in its own process keeps the client's CPU work out of the
// server's event loop and out of the orchestrator that samples RSS and console latency.
import autocannon from 'autocannon'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildScenario } from './scenarios.mjs'
import { treeCpuSecondsOf } from './lib/procs.mjs'
import { runWrk, writeLines } from './lib/wrk.mjs'

// wrk's bodies and chains (up to 200,000 envelopes): removed however the bench stops this
// process (it disconnects, then sends SIGTERM, whose default would skip the exit handlers).
const scratch = mkdtempSync(join(tmpdir(), 'kw-bench-load-'))
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }))
process.on('SIGTERM', () => process.exit(143))
process.on('disconnect', () => process.exit(0))

function run(opts) {
  return new Promise((resolve, reject) => {
    const instance = autocannon(opts, (err, res) => (err ? reject(err) : resolve(res)))
    // A hung server must not hang the bench: autocannon stops itself after `duration`, this
    // is the backstop.
    const guard = setTimeout(() => instance.stop(), ((opts.duration ?? 60) + 15) * 1000)
    instance.on('done', () => clearTimeout(guard))
  })
}

/**
 * A wrk runner for one scenario (its `requests.wrk` spec): each call runs wrk for `duration`
 * seconds. Bodies are written once; unique ones (envelopes) go on where the last run stopped.
 * Chains leave their pool for the run and come back with the tokens the server rotated.
 */
function wrkRunner(sc, fixtures, connections) {
  const spec = sc.requests.wrk
  const base = join(scratch, `${fixtures.runId}-${Date.now()}`)
  let offset = 0
  if (spec.lines) writeLines(`${base}.bodies`, spec.lines)
  return async (duration) => {
    const env = { KW_BODIES: `${base}.bodies`, KW_OFFSET: String(offset) }
    let sessions = null
    if (spec.chains) {
      sessions = new Map(spec.chains.drain().map((c) => [c.hwid, c]))
      const line = (c) => [c.key, c.hwid, fixtures.products[c.product].id, c.token].join('\t')
      writeLines(`${base}.chains`, [...sessions.values()].map(line))
      Object.assign(env, { KW_CHAINS: `${base}.chains`, KW_CHAINS_OUT: `${base}.kept` })
    }
    const r = await runWrk({
      url: `${sc.url}${spec.path}`,
      script: spec.script,
      env,
      connections,
      duration,
    })
    // Requests in flight when wrk stopped were built too: the next run starts past them.
    if (spec.unique) offset += r.requests + connections
    if (sessions) {
      for (const l of readFileSync(`${base}.kept`, 'utf8').split('\n').filter(Boolean)) {
        const [, hwid, , token] = l.split('\t')
        const c = sessions.get(hwid)
        if (c) spec.chains.give(Object.assign(c, { token }))
      }
    }
    return r
  }
}

/** Runs one scenario and returns throughput (2xx per second) and latency percentiles. */
async function runScenario(msg) {
  const sc = await buildScenario(msg.name, msg.fixtures, msg)
  const base = {
    url: sc.url,
    connections: msg.connections ?? sc.connections ?? 32,
    pipelining: 1,
    timeout: 10,
    requests: sc.requests,
    ...(msg.overallRate && { overallRate: msg.overallRate }),
  }
  // Priming: each answer of the working set once, so the run measures the steady state of
  // apps that validate again (their signatures cached) rather than the first minute's fill.
  // (A fixed number of requests, which wrk cannot send: autocannon primes for both.)
  if (msg.prime) await run({ ...base, overallRate: undefined, amount: msg.prime })
  if (msg.client === 'wrk' && sc.requests.wrk) return runScenarioWrk(msg, sc, base.connections)
  if (msg.warmup) await run({ ...base, duration: msg.warmup })
  const clientBefore = process.cpuUsage()
  const { value: res, cpu } = await withServerCpu(msg.serverPid, () =>
    run({ ...base, duration: msg.duration }),
  )
  const clientCpu = process.cpuUsage(clientBefore)
  return {
    ...figures({
      ok: res['2xx'],
      seconds: res.duration || msg.duration,
      cpu,
      clientCpu: (clientCpu.user + clientCpu.system) / 1e6,
    }),
    client: 'autocannon',
    p50_ms: res.latency.p50,
    p99_ms: res.latency.p99,
    max_ms: res.latency.max,
    requests: res.requests.total,
    non2xx: res.non2xx,
    errors: res.errors,
    timeouts: res.timeouts,
    statusCodeStats: res.statusCodeStats,
    sample_failure: sc.failures?.[0],
    ...(sc.summary?.() ?? {}),
  }
}

/**
 * Runs `measured` and answers its value with the server's CPU seconds over it (null without a
 * pid): comparable across runs on a busy machine, where requests per second are not (fewer
 * requests, proportionally less CPU). Summed over the server's processes (`--workers N`: the
 * primary and every worker).
 */
async function withServerCpu(pid, measured) {
  const before = pid ? treeCpuSecondsOf(pid) : null
  const value = await measured()
  const after = pid ? treeCpuSecondsOf(pid) : null
  return { value, cpu: before === null || after === null ? null : after - before }
}

/** Throughput and CPU of a measured run: the server's (summed over its processes) and the client's. */
function figures({ ok, seconds, cpu, clientCpu }) {
  const round2 = (v) => Math.round(v * 100) / 100
  return {
    rps: Math.round(ok / seconds),
    ok,
    cpu_cores: cpu === null ? null : round2(cpu / seconds),
    cpu_us_per_request: cpu === null || !ok ? null : Math.round((cpu * 1e6) / ok),
    client_cores: round2(clientCpu / seconds),
  }
}

/** runScenario's warm-up and measured run with wrk. */
async function runScenarioWrk(msg, sc, connections) {
  const wrk = wrkRunner(sc, msg.fixtures, connections)
  if (msg.warmup) await wrk(msg.warmup)
  const { value: r, cpu } = await withServerCpu(msg.serverPid, () => wrk(msg.duration))
  return {
    ...figures({ ok: r.ok, seconds: r.seconds, cpu, clientCpu: r.client_cpu_s }),
    client: 'wrk',
    p50_ms: r.p50_ms,
    p99_ms: r.p99_ms,
    max_ms: r.max_ms,
    requests: r.requests,
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    sample_failure: r.non2xx
      ? { note: 'wrk counts non-2xx answers; it keeps no bodies' }
      : undefined,
  }
}

process.on('message', async (msg) => {
  try {
    process.send({ id: msg.id, result: await runScenario(msg) })
  } catch (e) {
    process.send({ id: msg.id, error: e instanceof Error ? e.stack : String(e) })
  }
})
