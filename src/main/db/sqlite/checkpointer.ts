import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'

/** What the worker reports after each checkpoint it ran (SQLite's wal_checkpoint row). */
export interface CheckpointStats {
  /** Checkpoints run so far (skipped idle ticks are not counted). */
  runs: number
  /** WAL frames in the log at the last checkpoint, and how many of them were copied back. */
  log: number
  checkpointed: number
}

export interface Checkpointer {
  stats(): CheckpointStats
  /** False once the worker thread has exited (stopped or died). */
  running(): boolean
  /** Stops the interval, closes the worker's connection and waits for the thread to exit. */
  stop(): Promise<void>
}

/**
 * The worker's code, inline and CommonJS on purpose: a separate worker file would have to be
 * found next to whichever chunk electron-vite emitted (out/main/chunks/*), next to the TypeScript
 * source under vitest, and inside app.asar when packaged. An eval'd script needs no file, and the
 * one module it loads comes as an absolute path resolved by the main thread, where module
 * resolution already works in each of those environments.
 *
 * `PRAGMA data_version` changes only when another connection committed, so an idle server
 * costs one cheap pragma per tick (the WAL has not grown). PASSIVE never waits for locks, so the writer is not blocked.
 */
const WORKER_CODE = `
const { parentPort, workerData } = require('node:worker_threads')
const Database = require(workerData.modulePath)
const db = new Database(workerData.file, { fileMustExist: true })
let seen = -1
let runs = 0
function tick() {
  const version = db.pragma('data_version', { simple: true })
  if (version === seen) return
  const row = db.pragma('wal_checkpoint(PASSIVE)')[0]
  // A reader may hold frames back; only a complete checkpoint lets idle ticks skip.
  if (row.checkpointed === row.log) seen = version
  runs++
  parentPort.postMessage({ runs, log: row.log, checkpointed: row.checkpointed })
}
const timer = setInterval(tick, workerData.intervalMs)
parentPort.on('message', (msg) => {
  if (msg !== 'stop') return
  clearInterval(timer)
  db.close()
  parentPort.close()
})
`

/**
 * Where the worker can load better-sqlite3 from. Worker threads cannot read inside app.asar, so
 * in the packaged app the copy electron-builder unpacked next to it (asarUnpack) is used.
 */
function workerModulePath(): string {
  const resolved = createRequire(import.meta.url).resolve('better-sqlite3')
  const unpacked = resolved.replace(/app\.asar([\\/])/, 'app.asar.unpacked$1')
  return unpacked !== resolved && existsSync(unpacked) ? unpacked : resolved
}

/**
 * Starts a worker thread that runs SQLite's PASSIVE WAL checkpoints for `file` every
 * `intervalMs`, so the checkpoint's page copies and fsync leave the server's event loop (they
 * dominated COMMIT in the validate/heartbeat profiles). `onFailure` is called once if the worker
 * dies without being asked to stop; the caller then restores SQLite's own autocheckpoint.
 */
export function startCheckpointer(
  file: string,
  opts: { intervalMs?: number; onFailure: (err: unknown) => void },
): Checkpointer {
  const modulePath = workerModulePath()
  const worker = new Worker(WORKER_CODE, {
    eval: true,
    workerData: { file, modulePath, intervalMs: opts.intervalMs ?? 100 },
  })
  // A forgotten close() must not keep the process alive; close() still waits for the exit.
  worker.unref()
  let stats: CheckpointStats = { runs: 0, log: 0, checkpointed: 0 }
  let stopping = false
  let alive = true
  let failed = false
  const fail = (err: unknown) => {
    if (stopping || failed) return
    failed = true
    opts.onFailure(err)
  }
  worker.on('message', (m: CheckpointStats) => (stats = m))
  worker.on('error', fail)
  const exited = new Promise<void>((resolve) => {
    worker.once('exit', (code) => {
      alive = false
      fail(new Error(`checkpoint worker exited with code ${code}`))
      resolve()
    })
  })

  return {
    stats: () => stats,
    running: () => alive,
    async stop() {
      // Unref'd so a forgotten stop() cannot keep the process alive; a stop() is waited for.
      worker.ref()
      if (!stopping) {
        stopping = true
        worker.postMessage('stop')
      }
      await exited
    },
  }
}
