// Builds @keywarden/client with the TypeScript compiler alone (no bundler, no dependency):
// ESM + .d.ts from tsconfig.esm.json, CommonJS from tsconfig.cjs.json, each output folder marked
// with its module type so Node loads dist/esm as ESM and dist/cjs as CommonJS.
import { execFileSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
// The repository's own TypeScript (resolved from here up, e.g. the root node_modules).
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
rmSync(join(here, 'dist'), { recursive: true, force: true })
for (const project of ['tsconfig.esm.json', 'tsconfig.cjs.json']) {
  execFileSync(process.execPath, [tsc, '-p', join(here, project)], { stdio: 'inherit' })
}
for (const [dir, type] of [
  ['esm', 'module'],
  ['cjs', 'commonjs'],
]) {
  mkdirSync(join(here, 'dist', dir), { recursive: true })
  writeFileSync(join(here, 'dist', dir, 'package.json'), JSON.stringify({ type }) + '\n')
}
console.log('@keywarden/client built: dist/esm, dist/cjs, dist/types')
