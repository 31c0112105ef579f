// The load generator process. bench/run.mjs forks it once and sends it one message per
// scenario ({ id, name, fixtures, duration, connections, overallRate }); it builds the
// requests (bench/scenarios.mjs), runs autocannon against 127.0.0.1 for `duration` seconds and
// answers { id, result }. Keeping it in its own process keeps the client's CPU work out of the
// server's event loop and out of the orchestrator that samples RSS and console latency.
import autocannon from 'autocannon'
import { buildScenario } from './scenarios.mjs'
import { treeCpuSecondsOf } from './lib/procs.mjs'

function run(opts) {
  return new Promise((resolve, reject) => {
    const instance = autocannon(opts, (err, res) => (err ? reject(err) : resolve(res)))
    // A hung server must not hang the bench: autocannon stops itself after `duration`, this
    // is the backstop.
    const guard = setTimeout(() => instance.stop(), ((opts.duration ?? 60) + 15) * 1000)
    instance.on('done', () => clearTimeout(guard))
  })
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
  if (msg.prime) await run({ ...base, overallRate: undefined, amount: msg.prime })
  if (msg.warmup) await run({ ...base, duration: msg.warmup })
  // The server's CPU over the measured run only: comparable across runs on a busy machine,
  // where requests per second are not (fewer requests, proportionally less CPU). Summed over
  // the server's processes (`--workers N`: the primary and every worker).
  const cpuBefore = msg.serverPid ? treeCpuSecondsOf(msg.serverPid) : null
  const res = await run({ ...base, duration: msg.duration })
  const cpuAfter = msg.serverPid ? treeCpuSecondsOf(msg.serverPid) : null
  const ok = res['2xx']
  const seconds = res.duration || msg.duration
  const cpu = cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore
  return {
    cpu_cores: cpu === null ? null : Math.round((cpu / seconds) * 100) / 100,
    cpu_us_per_request: cpu === null || !ok ? null : Math.round((cpu * 1e6) / ok),
    rps: Math.round(ok / seconds),
    p50_ms: res.latency.p50,
    p99_ms: res.latency.p99,
    max_ms: res.latency.max,
    requests: res.requests.total,
    ok,
    non2xx: res.non2xx,
    errors: res.errors,
    timeouts: res.timeouts,
    statusCodeStats: res.statusCodeStats,
    sample_failure: sc.failures?.[0],
    ...(sc.summary?.() ?? {}),
  }
}

process.on('message', async (msg) => {
  try {
    process.send({ id: msg.id, result: await runScenario(msg) })
  } catch (e) {
    process.send({ id: msg.id, error: e instanceof Error ? e.stack : String(e) })
  }
})
