import cluster, { type Worker } from 'node:cluster'
import { availableParallelism } from 'node:os'
import type { EventEmitter } from 'node:events'
import { EVENT_FROM_WORKER, EVENT_PUSHED, EVENT_STREAMS } from './services/events'

/** The most `--workers` takes (more processes than this only contend for the one database). */
export const MAX_WORKERS = 64

/**
 * `--workers N` / KEYWARDEN_WORKERS: how many processes serve HTTP on the one port; `auto`, or
 * unset: one per core (`cores`). `1` is one process, as the desktop app runs. Throws a one-line
 * message.
 */
export function parseWorkers(text: string | undefined, cores = availableParallelism()): number {
  if (text === undefined || text.trim() === '' || text === 'auto')
    return Math.min(cores, MAX_WORKERS)
  const n = Number(text)
  if (!Number.isInteger(n) || n < 1 || n > MAX_WORKERS) {
    throw new Error(
      `--workers takes a whole number from 1 to ${MAX_WORKERS}, or auto (got ${text})`,
    )
  }
  return n
}

/** Set by the primary in each worker's environment: its place, 0 to N-1 (0 runs the timers). */
export const WORKER_INDEX_ENV = 'KEYWARDEN_WORKER_INDEX'

/** What a worker tells the primary once it listens. */
interface Listening {
  kw: 'listening'
  url: string
}

/** Between a worker and the primary: live-stream counts and the events relayed for them. */
type Relay =
  | { kw: 'streams'; n: number } // worker → primary: its open streams
  | { kw: 'watched'; others: boolean } // primary → worker: do other workers have streams?
  | { kw: 'event'; event: unknown } // either way: an event a worker recorded

/**
 * In a worker: the console's live stream shows the events of every worker. A recorded event is
 * sent to the primary, which hands it to the other workers (EVENT_FROM_WORKER), only while some
 * other worker has a stream open: otherwise nothing crosses a process per request.
 */
export function relayEvents(bus: EventEmitter): void {
  let others = false
  bus.on(EVENT_STREAMS, (n: number) => process.send?.({ kw: 'streams', n } satisfies Relay))
  bus.on(EVENT_PUSHED, (event: unknown) => {
    if (others) process.send?.({ kw: 'event', event } satisfies Relay)
  })
  process.on('message', (m: Relay) => {
    if (m?.kw === 'watched') others = m.others
    else if (m?.kw === 'event') bus.emit(EVENT_FROM_WORKER, m.event)
  })
}

/** This process's place among the workers (a worker of `serve --workers N`), else null. */
export function workerIndex(env = process.env): number | null {
  if (!cluster.isWorker) return null
  return Number(env[WORKER_INDEX_ENV] ?? 0)
}

/** In a worker: tells the primary the server listens (the primary prints the URL once). */
export function reportListening(url: string): void {
  process.send?.({ kw: 'listening', url } satisfies Listening)
}

/**
 * The primary of `serve --workers N`: forks N workers running this same entry (node:cluster;
 * the primary accepts connections and hands them to the workers in turn), resolves with the
 * URL once every one listens, and starts a worker again in its place if one dies. `stop()`
 * sends SIGTERM to each worker (each drains and closes its database) and waits for them.
 */
export function startWorkers(count: number): Promise<{ url: string; stop(): Promise<void> }> {
  return new Promise((resolve, reject) => {
    let stopping = false
    let url: string | null = null
    const listening = new Set<number>()
    const workers = new Map<number, Worker>()
    const streams = new Map<number, number>()
    const tellWatched = () => {
      for (const [i, w] of workers) {
        const others = [...streams].some(([j, n]) => j !== i && n > 0)
        if (w.isConnected()) w.send({ kw: 'watched', others } satisfies Relay)
      }
    }
    // A young generation of 2 x 8 MB instead of V8's 2 x 16 MB: a worker's resident memory
    // 206 -> 190 MB in the bench (100,000 licenses) at the same throughput; scavenges are more
    // often and each shorter.
    cluster.setupPrimary({ execArgv: [...process.execArgv, '--max-semi-space-size=8'] })
    const fork = (index: number) => {
      const w = cluster.fork({ [WORKER_INDEX_ENV]: String(index) })
      workers.set(index, w)
      w.on('message', (m: Partial<Listening> | Relay) => {
        if (m?.kw === 'streams') {
          streams.set(index, m.n)
          tellWatched()
          return
        }
        if (m?.kw === 'event') {
          for (const [i, other] of workers) if (i !== index && streams.get(i)) other.send(m)
          return
        }
        if (m?.kw !== 'listening' || typeof m.url !== 'string') return
        listening.add(index)
        url ??= m.url
        if (listening.size === count) resolve({ url, stop })
      })
      w.on('exit', (code, signal) => {
        workers.delete(index)
        streams.delete(index)
        tellWatched()
        if (stopping) return
        if (url === null) {
          // A worker that cannot start (a damaged folder, a taken port): none will.
          void stop().then(() =>
            reject(new Error(`worker ${index} exited before it listened (${signal ?? code})`)),
          )
          return
        }
        console.error(`Worker ${index} exited (${signal ?? code}); starting it again`)
        setTimeout(() => !stopping && fork(index), 1000).unref()
      })
    }
    const stop = async () => {
      stopping = true
      const exits = [...workers.values()].map(
        (w) => new Promise<void>((r) => (w.isDead() ? r() : w.once('exit', () => r()))),
      )
      for (const w of workers.values()) w.process.kill('SIGTERM')
      await Promise.all(exits)
    }
    for (let i = 0; i < count; i++) fork(i)
  })
}
