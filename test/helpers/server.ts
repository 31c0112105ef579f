import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startRuntime, type Runtime } from '../../src/main/runtime'

export interface TestServer {
  runtime: Runtime
  url: string
  dataDir: string
  /** fetch against the server with a JSON body, returning status, headers and parsed JSON. */
  json(path: string, init?: { method?: string; body?: unknown; headers?: Record<string, string> }): Promise<{
    status: number
    headers: Headers
    body: any // eslint-disable-line @typescript-eslint/no-explicit-any
  }>
  stop(): Promise<void>
}

/** A real Keywarden on 127.0.0.1, port 0, with a fresh SQLite data directory. */
export async function startTestServer(
  opts: { console?: { setupToken: string; staticDir?: string } } = {},
): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kw-test-'))
  const runtime = await startRuntime({ dataDir, host: '127.0.0.1', port: 0, console: opts.console })
  const url = runtime.server!.url
  return {
    runtime,
    url,
    dataDir,
    async json(path, init = {}) {
      const res = await fetch(url + path, {
        method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
        headers: {
          ...(init.body !== undefined && { 'content-type': 'application/json' }),
          ...init.headers,
        },
        body: init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body),
      })
      const text = await res.text()
      let body: unknown = text
      try {
        body = JSON.parse(text)
      } catch {
        /* not JSON: keep text */
      }
      return { status: res.status, headers: res.headers, body }
    },
    async stop() {
      await runtime.close()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
