import { resolve } from 'node:path'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  resolve: {
    alias: {
      '@shared': resolve(__dirname, 'src/shared'),
      // The examples import the SDK by its package name, as an app would.
      '@keywarden/client': resolve(__dirname, 'packages/client/src/index.ts'),
    },
  },
  test: {
    include: [
      'src/**/*.test.ts',
      'test/integration/**/*.test.ts',
      // The client SDK's suite and the examples' tests (against a real server on port 0).
      'packages/*/test/**/*.test.ts',
      'examples/**/*.test.ts',
    ],
    environment: 'node',
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
    // Under KEYWARDEN_TEST_DATABASE_URL: one migrated PostgreSQL template for the run.
    globalSetup: ['test/helpers/postgres-setup.ts'],
    // Error bodies' per-answer request_id: left out of protocol-shape comparisons.
    setupFiles: ['test/helpers/request-id-equality.ts'],
  },
})
