// `npm run lint:openapi`: writes the server's OpenAPI document to a temp file and lints it
// with Redocly's recommended rules (redocly.yaml); exits non-zero on any error.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { runnerImport } from 'vite'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const dir = mkdtempSync(join(tmpdir(), 'kw-openapi-lint-'))
const file = join(dir, 'openapi.json')
try {
  const { module } = await runnerImport(join(root, 'scripts/openapi-document.ts'), {
    configFile: false,
    root,
    logLevel: 'error',
    resolve: { alias: { '@shared': join(root, 'src/shared') } },
  })
  await module.writeOpenApiDocument(file)
  const r = spawnSync(
    process.execPath,
    [
      join(root, 'node_modules/@redocly/cli/bin/cli.js'),
      'lint',
      '--config',
      join(root, 'redocly.yaml'),
      file,
    ],
    { stdio: 'inherit', cwd: root },
  )
  process.exitCode = r.status ?? 1
} finally {
  rmSync(dir, { recursive: true, force: true })
}
