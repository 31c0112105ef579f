// Child processes of the bench: build, seed, the two servers, the load generator.
import { spawn, spawnSync, fork } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { join } from 'node:path'
import { ROOT } from './ts-import.mjs'

/**
 * Builds the headless server for this run: the main-process half of the electron-vite build
 * (bench/lib/build.config.mjs, well under a second) into node_modules/.cache/keywarden-bench-<tag>,
 * where Node still resolves the project's dependencies. Always fresh, and independent of the
 * renderer build, so the bench measures the sources as they are.
 */
export function ensureBuilt() {
  // Per checkout: worktrees that share one node_modules must not build into one folder (a run
  // in another worktree would otherwise replace the server this run is about to start).
  const tag = createHash('sha256').update(ROOT).digest('hex').slice(0, 8)
  const outDir = join(ROOT, `node_modules/.cache/keywarden-bench-${tag}`)
  const r = spawnSync(
    process.execPath,
    [
      join(ROOT, 'node_modules/electron-vite/bin/electron-vite.js'),
      'build',
      '-c',
      'bench/lib/build.config.mjs',
    ],
    {
      cwd: ROOT,
      env: { ...process.env, KW_BENCH_OUT: outDir },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  )
  if (r.status !== 0) throw new Error('build of the headless server failed')
  return join(outDir, 'headless.js')
}

/** Runs a node script to completion and returns its stdout (throws on a non-zero exit). */
export function runNode(args, { timeoutMs = 10 * 60_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    child.stdout.on('data', (d) => (out += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.on('exit', (code) => {
      clearTimeout(timer)
      if (code === 0) resolve(out)
      else reject(new Error(`${args.join(' ')} exited with ${code}`))
    })
  })
}

/**
 * Starts a long-running node process and resolves once a stdout line matches `ready`
 * (returning the match). `stop()` sends SIGTERM to that one pid and waits for it to exit.
 */
export function startNode(args, { env = {}, ready, timeoutMs = 60_000, name }) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let buf = ''
    let done = false
    const exited = new Promise((r) => child.on('exit', r))
    const stop = async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      const t = setTimeout(() => child.kill('SIGKILL'), 15_000)
      await exited
      clearTimeout(t)
    }
    const timer = setTimeout(() => {
      if (!done) reject(new Error(`${name} did not start within ${timeoutMs} ms:\n${buf}`))
      void stop()
    }, timeoutMs)
    child.stderr.on('data', (d) => {
      if (!done) buf += d
      else process.stderr.write(`[${name}] ${d}`)
    })
    child.stdout.on('data', (d) => {
      if (done) return
      buf += d
      const m = buf.match(ready)
      if (m) {
        done = true
        clearTimeout(timer)
        resolve({ pid: child.pid, match: m, stop, child })
      }
    })
    child.on('exit', (code) => {
      if (!done) reject(new Error(`${name} exited with ${code} before it was ready:\n${buf}`))
    })
  })
}

/** Forks the load generator; `run(msg)` sends one scenario and resolves with its result. */
export function startLoadGenerator() {
  const child = fork(join(ROOT, 'bench/load.mjs'), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  let next = 1
  const waiting = new Map()
  child.on('message', (m) => {
    const w = waiting.get(m.id)
    waiting.delete(m.id)
    if (m.error) w?.reject(new Error(m.error))
    else w?.resolve(m.result)
  })
  child.on('exit', (code) => {
    for (const w of waiting.values()) w.reject(new Error(`load generator exited with ${code}`))
  })
  return {
    run: (msg) =>
      new Promise((resolve, reject) => {
        const id = next++
        waiting.set(id, { resolve, reject })
        child.send({ ...msg, id })
      }),
    stop: () => {
      if (child.connected) child.disconnect()
      if (child.exitCode === null) child.kill('SIGTERM')
    },
  }
}

/** Resident set size of a process in MB: current (VmRSS) and peak (VmHWM), from /proc. */
export function rssOf(pid) {
  try {
    const s = readFileSync(`/proc/${pid}/status`, 'utf8')
    const kb = (k) => Number(s.match(new RegExp(`^${k}:\\s+(\\d+)`, 'm'))?.[1] ?? 0)
    return { rss_mb: kb('VmRSS') / 1024, hwm_mb: kb('VmHWM') / 1024 }
  } catch {
    return { rss_mb: 0, hwm_mb: 0 }
  }
}

/** CPU time a process has used (user + system), in seconds, from /proc (Linux; null elsewhere). */
export function cpuSecondsOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and
    // 13th, in clock ticks (USER_HZ, 100 on Linux).
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(f[11]) + Number(f[12])) / 100
  } catch {
    return null
  }
}

/** The pids of a process's children (Linux /proc; [] elsewhere or once it is gone). */
export function childrenOf(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim()
    return text ? text.split(/\s+/).map(Number) : []
  } catch {
    return []
  }
}

/**
 * CPU seconds of a server and its children (`serve --workers N`: the primary and its workers),
 * from /proc. A worker that exits between two readings takes its seconds with it.
 */
export function treeCpuSecondsOf(pid) {
  const own = cpuSecondsOf(pid)
  if (own === null) return null
  return childrenOf(pid).reduce((sum, c) => sum + (cpuSecondsOf(c) ?? 0), own)
}
