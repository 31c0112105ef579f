import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import reactHooks from 'eslint-plugin-react-hooks'
import globals from 'globals'

/** The boundaries of DESIGN.md, made visible: each block forbids what its folder may not import. */
const noElectron = {
  paths: [{ name: 'electron', message: 'services, db, http, crypto and rpc run without Electron (headless, tests).' }],
}

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'bench/results/**'] },
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
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'The renderer talks to main only through the bridge.' }],
          patterns: [
            { group: ['**/main/**', '**/preload/**'], message: 'The renderer imports nothing from main or preload.' },
            { group: ['node:*'], message: 'The renderer runs in a browser sandbox.' },
          ],
        },
      ],
    },
  },
)
