import { resolve } from 'node:path'
import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'

const root = resolve(__dirname, '../..')
const eslint = new ESLint({ cwd: root })

/** The rule ids that `code` breaks when it is the file at `path` (repository-relative). */
async function broken(code: string, path: string): Promise<string[]> {
  const [r] = await eslint.lintText(code, { filePath: resolve(root, path) })
  return r.messages.map((m) => m.ruleId ?? m.message)
}

const BOUNDARY = '@typescript-eslint/no-restricted-imports'

describe('the data boundary lint rule (only src/main/db/ imports a driver or Kysely)', () => {
  it('fails a service, an http file or preflight importing kysely, kysely/*, better-sqlite3 or pg', async () => {
    const imports = [
      `import { sql } from 'kysely'\nexport const q = sql\`SELECT 1\``,
      `import type { Selectable } from 'kysely'\nexport type T = Selectable<{ a: string }>`,
      `import { Migrator } from 'kysely/migration'\nexport const M = Migrator`,
      `import Database from 'better-sqlite3'\nexport const D = Database`,
      `import pg from 'pg'\nexport const P = pg`,
    ]
    for (const path of [
      'src/main/services/licensing/example.ts',
      'src/main/http/protocols/native/example.ts',
      'src/main/preflight.ts',
    ]) {
      for (const code of imports)
        expect(await broken(code, path), `${path}: ${code}`).toContain(BOUNDARY)
    }
  })

  it('lets src/main/db/ and tests import them', async () => {
    const code = `import { sql } from 'kysely'\nimport Database from 'better-sqlite3'\nexport const x = [sql, Database]`
    for (const path of [
      'src/main/db/repositories/example.ts',
      'src/main/db/sqlite/example.ts',
      'src/main/services/licensing/example.test.ts',
      'test/integration/example.test.ts',
      'test/helpers/example.ts',
    ]) {
      expect(await broken(code, path), path).not.toContain(BOUNDARY)
    }
  })
})
