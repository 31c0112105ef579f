import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { join } from 'node:path'

export const ROOT = join(import.meta.dirname, '../..')
export const HEADLESS = join(ROOT, 'out/main/headless.js')

/**
 * Builds out/ when it is missing or older than the sources, the way `npm run serve` does
 * (scripts/serve.mjs, which builds before it answers --help).
 */
export function ensureBuilt(): void {
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts/serve.mjs'), '--help'], {
    cwd: ROOT,
    encoding: 'utf8',
  })
  if (r.status !== 0) throw new Error(`build failed:\n${r.stdout}${r.stderr}`)
}

/** A port nothing listens on right now (for a server configured only by its environment). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port
      s.close(() => resolve(port))
    })
    s.on('error', reject)
  })
}

export interface Spawned {
  child: ChildProcess
  /** Everything written to stdout and stderr so far. */
  output(): string
  /** Resolves the first match of `re` in the output; rejects on exit or after `ms`. */
  waitFor(re: RegExp, ms?: number): Promise<RegExpExecArray>
  /** Resolves the exit code (or signal) ; rejects after `ms`. */
  exited(ms?: number): Promise<number | string>
}

/** Spawns a command with piped output, helpers to wait on it. */
export function spawnLogged(
  cmd: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; detached?: boolean } = {},
): Spawned {
  const child = spawn(cmd, args, {
    cwd: ROOT,
    env: opts.env ?? process.env,
    detached: opts.detached,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()))
  child.stderr!.on('data', (b: Buffer) => (out += b.toString()))
  const exit = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  )
  const timeout = <T>(ms: number, what: string) =>
    new Promise<T>((_, reject) =>
      setTimeout(() => reject(new Error(`${what} after ${ms} ms:\n${out}`)), ms).unref(),
    )
  return {
    child,
    output: () => out,
    exited: (ms = 15_000) => Promise.race([exit, timeout<number | string>(ms, 'no exit')]),
    waitFor: (re, ms = 30_000) =>
      Promise.race([
        new Promise<RegExpExecArray>((resolve) => {
          const check = () => {
            const m = re.exec(out)
            if (m) resolve(m)
            else setTimeout(check, 50).unref()
          }
          check()
        }),
        exit.then((code) => Promise.reject(new Error(`exited (${code}) before ${re}:\n${out}`))),
        timeout<RegExpExecArray>(ms, `no ${re}`),
      ]),
  }
}

/** An environment without any KEYWARDEN_* variable of the caller's (tests set their own). */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('KEYWARDEN_')),
  )
  return { ...env, ...extra }
}
