import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createLogger } from '../http/observability/logging'
import { LOG_FILE, openLogFile } from './log-file'

describe("the desktop app's log file", () => {
  it('creates the folder and writes JSON lines, owner-only, into keywarden.log', async () => {
    const root = mkdtempSync(join(tmpdir(), 'kw-logs-'))
    try {
      const dir = join(root, 'logs')
      const stream = openLogFile(dir)
      const log = createLogger({ level: 'info', destination: stream })
      log.info({ url: 'http://127.0.0.1:1' }, 'listening')
      await new Promise<void>((resolve) => stream.end(resolve))
      const line = JSON.parse(readFileSync(join(dir, LOG_FILE), 'utf8').trim())
      expect(line).toMatchObject({ level: 30, msg: 'listening', url: 'http://127.0.0.1:1' })
      expect(statSync(dir).mode & 0o777).toBe(0o700)
      expect(statSync(join(dir, LOG_FILE)).mode & 0o777).toBe(0o600)
    } finally {
      rmSync(root, { recursive: true, force: true })
    }
  })
})
