import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import reactHooks from 'eslint-plugin-react-hooks'
import globals from 'globals'
import { readdirSync } from 'node:fs'

/** The boundaries of DESIGN.md, made visible: each block forbids what its folder may not import. */
const noElectron = {
  paths: [
    { name: 'electron', message: 'services, db, http, crypto and rpc run without Electron (headless, tests).' },
    { name: 'electron-updater', message: 'Updates are the desktop shell’s (src/main/shell/updater.ts).' },
  ],
}

/** Every protocol adapter folder: each may import no other (a new adapter is covered by its folder). */
const PROTOCOLS = readdirSync(new URL('./src/main/http/protocols', import.meta.url), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)

const adapterBoundaries = PROTOCOLS.map((p) => ({
  files: [`src/main/http/protocols/${p}/**/*.ts`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        ...noElectron,
        patterns: PROTOCOLS.filter((q) => q !== p).map((q) => ({
          group: [`**/protocols/${q}`, `**/protocols/${q}/**`, `../${q}`, `../${q}/**`, `../../${q}`, `../../${q}/**`],
          message: `The ${p} adapter imports no other adapter (${q}): shared rules live in services or http/middleware.`,
        })),
      },
    ],
  },
}))

/**
 * The data boundary (issue #13): only src/main/db/ reaches a database driver or the query
 * builder; everything else calls its repositories with `ctx.db` / `trx`. Kept on the
 * typescript-eslint twin of no-restricted-imports so that the folder blocks above and below,
 * which each set the core rule's whole list, cannot switch it off. Type-only imports count too:
 * a Selectable<...> in a service is a schema type leaking out.
 */
const DATA_BOUNDARY = 'Only src/main/db/ imports a database driver or Kysely: call a repository with ctx.db or trx.'
const dataBoundary = {
  files: ['src/**/*.{ts,tsx}'],
  ignores: ['src/main/db/**', 'src/**/*.test.ts'],
  rules: {
    '@typescript-eslint/no-restricted-imports': [
      'error',
      {
        paths: ['kysely', 'better-sqlite3', 'pg'].map((name) => ({ name, message: DATA_BOUNDARY })),
        patterns: [{ group: ['kysely/*', 'better-sqlite3/*', 'pg/*', 'pg-*'], message: DATA_BOUNDARY }],
      },
    ],
  },
}

/** What no renderer file may import: main, preload, Node, Electron. */
const rendererPaths = [{ name: 'electron', message: 'The renderer talks to main only through the bridge.' }]
const rendererPatterns = [
  { group: ['**/main/**', '**/preload/**'], message: 'The renderer imports nothing from main or preload.' },
  { group: ['node:*'], message: 'The renderer runs in a browser sandbox.' },
  {
    group: ['../**/shared', '../**/shared/**', '../**/test/**', '../**/bench/**', '../**/scripts/**', '../**/resources/**'],
    message: 'The renderer imports src/shared as @shared/... and otherwise only its own files.',
  },
]

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'bench/results/**', 'packages/*/dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/main/{services,db,http,crypto,rpc}/**/*.ts', 'src/main/runtime.ts', 'src/main/headless.ts'],
    rules: { 'no-restricted-imports': ['error', noElectron] },
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'src/shared is pure: no electron.' }],
          patterns: [{ group: ['node:*'], message: 'src/shared is pure: no node: modules.' }],
        },
      ],
    },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': ['error', { paths: rendererPaths, patterns: rendererPatterns }],
    },
  },
  {
    // Screens and components act through store slices; only slices reach the bridge.
    files: ['src/renderer/src/**/*.{ts,tsx}'],
    ignores: ['src/renderer/src/store/**', 'src/renderer/src/bridge.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: rendererPaths,
          patterns: [
            ...rendererPatterns,
            { group: ['**/bridge'], message: 'Screens never call the bridge: call a store slice action.' },
            {
              group: ['**/store/api'],
              importNames: ['call', 'subscribe'],
              message: 'Screens never call the server: call a store slice action (act/errorMessage are fine).',
            },
          ],
        },
      ],
    },
  },
  {
    // Shared mechanisms sit below the adapters: they never import one.
    files: ['src/main/{services,db,crypto,rpc}/**/*.ts', 'src/main/http/{middleware,console}/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          ...noElectron,
          patterns: [{ group: ['**/protocols', '**/protocols/**'], message: 'Protocol adapters sit above shared code: move the rule here, not the adapter there.' }],
        },
      ],
    },
  },
  ...adapterBoundaries,
  dataBoundary,
  {
    // The machine row is written by one repository function (upsertMachine) that every path calls.
    files: ['src/main/**/*.ts'],
    ignores: ['src/main/db/repositories/machines.ts', 'src/main/db/migrations/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        ...['TemplateElement[value.raw=/INSERT\\s+(OR\\s+\\w+\\s+)?INTO\\s+machines\\b/i]', 'Literal[value=/INSERT\\s+(OR\\s+\\w+\\s+)?INTO\\s+machines\\b/i]', "CallExpression[callee.property.name='insertInto'][arguments.0.value='machines']"].map(
          (selector) => ({ selector, message: 'Write the machine row with upsertMachine (db/repositories/machines.ts).' }),
        ),
      ],
    },
  },
)
