import { afterAll, describe, expect, it } from 'vitest'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { cleanEnv, freePort, ROOT, spawnLogged } from '../helpers/processes'

const cache = mkdtempSync(join(tmpdir(), 'kw-electron-cache-'))
afterAll(() => rmSync(cache, { recursive: true, force: true }))

// Where Electron's binary was downloaded already there is nothing to fail.
const downloaded = existsSync(join(ROOT, 'node_modules/electron/path.txt'))

describe.skipIf(downloaded)('npm start without a downloadable Electron', () => {
  it('says in one line why and what to do instead, with no stack trace', async () => {
    // A mirror on a port nothing listens on: the download fails at once, as offline.
    const env = cleanEnv({
      ELECTRON_MIRROR: `http://127.0.0.1:${await freePort()}/`,
      electron_config_cache: cache,
    })
    delete env.ELECTRON_OVERRIDE_DIST_PATH
    delete env.ELECTRON_SKIP_BINARY_DOWNLOAD
    const run = spawnLogged(process.execPath, [join(ROOT, 'scripts/ensure-electron.mjs')], { env })
    expect(await run.exited()).toBe(1)
    const lines = run.output().trim().split('\n')
    expect(lines).toEqual([
      'Keywarden: downloading the Electron runtime (first start only)...',
      expect.stringMatching(
        /^Keywarden: could not download Electron \(.+\)\. Check your internet connection, or run the server without a window: npm run serve$/,
      ),
    ])
  })
})
