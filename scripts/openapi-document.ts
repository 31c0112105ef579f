import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startRuntime } from '../src/main/runtime'

/**
 * Writes the server's OpenAPI document to `out` without serving anything: a runtime on a
 * throwaway data directory, the app built but listening on an ephemeral loopback port only
 * for the moment it takes to read `app.swagger()`, then stopped and deleted.
 */
export async function writeOpenApiDocument(out: string): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kw-openapi-'))
  try {
    const runtime = await startRuntime({ dataDir, host: '127.0.0.1', port: 0, logLevel: 'silent' })
    try {
      writeFileSync(out, JSON.stringify(runtime.server!.app.swagger(), null, 2))
    } finally {
      await runtime.close()
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true })
  }
}
