// `npm start` / `npm run dev`: downloads Electron's binary on first use (users have internet).
import { spawnSync } from 'node:child_process'
import { electronBinary, electronInstaller } from './electron-binary.mjs'

if (!electronBinary()) {
  console.log('Keywarden: downloading the Electron runtime (first start only)...')
  const r = spawnSync(process.execPath, [electronInstaller()], { stdio: 'inherit' })
  if (r.status !== 0 || !electronBinary()) {
    console.error(
      'Keywarden: could not download Electron. Check your internet connection, or run the server without a window: npm run serve',
    )
    process.exit(1)
  }
}
