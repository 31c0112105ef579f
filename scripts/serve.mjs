// `npm run serve -- [--data DIR] [--port N] [--host H] [--console]`: the headless server.
// Builds first when the build is missing or older than the sources, then runs it in-process.
// One script, no `sh -c 'a && b'` chain: the Node check is imported first (ES modules evaluate
// in import order), and the server stops when npm's shell goes (stop-when-orphaned.mjs).
import './check-node.cjs'
import { stopWhenOrphaned } from './stop-when-orphaned.mjs'
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const entry = join(root, 'out/main/headless.js')

function newestMtime(dir) {
  let newest = 0
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name)
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs)
  }
  return newest
}

const stale = !existsSync(entry) || newestMtime(join(root, 'src')) > statSync(entry).mtimeMs
if (stale) {
  console.log('Keywarden: building...')
  const r = spawnSync(
    process.execPath,
    [join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'],
    {
      cwd: root,
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  )
  if (r.status !== 0) process.exit(r.status ?? 1)
}
await import(pathToFileURL(entry).href)
stopWhenOrphaned()
