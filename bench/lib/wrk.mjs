// wrk (Debian's `wrk` package), the load generator of the bench's throughput scenarios when it
// is installed. On a 2-core machine the load generator shares the cores with the servers it
// measures: autocannon spends ~38 µs of CPU per request (half a core at the reference's
// 13k req/s), wrk ~18 µs. A single-process server cannot use the core that frees; `--workers N`
// can, so with autocannon the worker pass measured the load generator as much as the server.
// Scenarios whose requests depend on earlier answers in ways a wrk script cannot follow stay on
// autocannon (bench/load.mjs); every ratio compares runs of the same load generator.
import { spawn, spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const LUA_DIR = dirname(fileURLToPath(import.meta.url))

/** True when a `wrk` binary answers on PATH. */
export function wrkInstalled() {
  const r = spawnSync('wrk', ['--version'], { encoding: 'utf8' })
  return !r.error && /^wrk /.test(`${r.stdout}${r.stderr}`)
}

/** CPU seconds of this process's waited-for children (cutime + cstime, /proc/self/stat). */
function childCpuSeconds() {
  const stat = readFileSync('/proc/self/stat', 'utf8')
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(f[13]) + Number(f[14])) / 100
}

/**
 * Runs wrk for `duration` seconds on `connections` connections with one of the bench's scripts
 * (bench/lib/*.lua, told what to send through `env`) and answers what autocannon's result
 * would: requests, 2xx, failures and latency percentiles (ms), plus wrk's own CPU seconds.
 */
export function runWrk({ url, script, env, connections, duration }) {
  return new Promise((resolve, reject) => {
    const before = childCpuSeconds()
    const child = spawn(
      'wrk',
      [
        '-t1',
        `-c${connections}`,
        `-d${duration}s`,
        '--timeout',
        '10s',
        '-s',
        join(LUA_DIR, script),
        url,
      ],
      { env: { ...process.env, ...env, KW_LUA_DIR: LUA_DIR }, stdio: ['ignore', 'pipe', 'pipe'] },
    )
    let out = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (out += d))
    child.on('error', reject)
    child.on('close', (code) => {
      const m = /KWRESULT (\{.*\})/.exec(out)
      if (code !== 0 || !m) return reject(new Error(`wrk exited with ${code}: ${out.slice(-500)}`))
      const r = JSON.parse(m[1])
      const ms = (us) => Math.round(us / 100) / 10
      resolve({
        requests: r.requests,
        ok: r.requests - r.non2xx,
        non2xx: r.non2xx,
        errors: r.errors,
        timeouts: r.timeouts,
        seconds: r.duration_us / 1e6,
        p50_ms: ms(r.p50_us),
        p99_ms: ms(r.p99_us),
        max_ms: ms(r.max_us),
        client_cpu_s: childCpuSeconds() - before,
      })
    })
  })
}

/** Writes lines to a file for a script to read (bodies, chains). */
export function writeLines(file, lines) {
  writeFileSync(file, lines.join('\n') + '\n')
}
