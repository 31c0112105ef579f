// Loads the project's TypeScript sources (src/main/...) from a plain .mjs bench script.
// Why vite's runnerImport: vite is already a direct devDependency (electron-vite builds with
// it), it resolves the `@shared` alias the same way the build does and handles type-only
// imports, so the bench seeds with the very code the server runs (openStore and its
// migrations, generateLicenseKey, the products service) without a second toolchain.
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..')

/** Imports `rel` (a path under the repository root, e.g. `src/main/db/connection.ts`). */
export async function importSource(rel) {
  const { runnerImport } = await import('vite')
  const { module } = await runnerImport(join(ROOT, rel), {
    configFile: false,
    logLevel: 'error',
    root: ROOT,
    resolve: { alias: { '@shared': join(ROOT, 'src/shared') } },
  })
  return module
}
