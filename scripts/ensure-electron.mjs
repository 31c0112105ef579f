// `npm start` / `npm run dev`: downloads Electron's binary on first use (users have internet).
// A failed download says so in one line with its reason: the installer's stack trace is kept out.
import { spawnSync } from 'node:child_process'
import { electronBinary, electronInstaller } from './electron-binary.mjs'

/** The installer's error as one line ("fetch failed"), without its stack. */
function reasonOf(stderr) {
  const line = stderr.split('\n').find((l) => l.trim() !== '' && !/^\s+at /.test(l))
  return line ? line.trim().replace(/^(\w*Error|Error): /, '') : 'unknown error'
}

if (!electronBinary()) {
  console.log('Keywarden: downloading the Electron runtime (first start only)...')
  const r = spawnSync(process.execPath, [electronInstaller()], {
    stdio: ['ignore', 'inherit', 'pipe'],
    encoding: 'utf8',
  })
  if (r.status !== 0 || !electronBinary()) {
    console.error(
      `Keywarden: could not download Electron (${reasonOf(r.stderr ?? '')}). Check your internet connection, or run the server without a window: npm run serve`,
    )
    process.exit(1)
  }
}
