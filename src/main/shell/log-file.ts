import { mkdirSync } from 'node:fs'
import { createStream, type RotatingFileStream } from 'rotating-file-stream'

export const LOG_FILE = 'keywarden.log'

/**
 * The desktop app's log: JSON lines in `dir`/keywarden.log, rotated daily or at 10 MB
 * (whichever comes first), the 14 newest rotated files kept, older ones deleted, rotated files
 * gzipped. A plain stream (no worker thread), so it works in the bundled Electron main.
 */
export function openLogFile(dir: string): RotatingFileStream {
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  return createStream(LOG_FILE, {
    path: dir,
    size: '10M',
    interval: '1d',
    maxFiles: 14,
    compress: 'gzip',
    mode: 0o600,
  })
}
