import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { createRequire } from 'node:module'

/**
 * The installed Electron executable, or null when the binary has not been downloaded.
 * Reads electron's own path.txt instead of `require('electron')`, which would start a
 * download (impossible on machines without internet, such as CI here).
 */
export function electronBinary() {
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) return join(process.env.ELECTRON_OVERRIDE_DIST_PATH, 'electron')
  const require = createRequire(import.meta.url)
  let dir
  try {
    dir = dirname(require.resolve('electron/package.json'))
  } catch {
    return null
  }
  const pathFile = join(dir, 'path.txt')
  if (!existsSync(pathFile)) return null
  const exe = join(dir, 'dist', readFileSync(pathFile, 'utf8').trim())
  return existsSync(exe) ? exe : null
}

export function electronInstaller() {
  const require = createRequire(import.meta.url)
  return join(dirname(require.resolve('electron/package.json')), 'install.js')
}
