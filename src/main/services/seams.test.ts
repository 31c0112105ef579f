import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'

/**
 * The services' seams (issue 20): no service branches on which wire protocol asked, and no
 * service validates its input again with a schema (the edges, routes and console channels,
 * validate; services take the typed output). Reading stored data or an imported file with a
 * schema is not input validation: those few reads are listed by file and schema.
 */
const ROOT = import.meta.dirname

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name)
    if (e.isDirectory()) return sources(p)
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [p] : []
  })
}

/** Every match of `re` in the services' sources, as `file: text`. */
function find(re: RegExp): string[] {
  return sources(ROOT).flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(re)].map(
      (m) => `${relative(ROOT, file).replace(/\\/g, '/')}: ${m[0]}`,
    ),
  )
}

/** Stored settings and imported files, read with their schemas (not a service's input). */
const STORED_DATA_READS = [
  'settings/index.ts: settingsSchema.partial().safeParse(',
  'store/config.ts: sellRealmConfigSchema.partial().safeParse(',
  'store/config.ts: sellRealmConfigSchema.parse(',
  'security/thresholds.ts: securitySettingsSchema.partial().safeParse(',
  'transfer/index.ts: createProductSchema.safeParse(',
  'transfer/index.ts: createLicenseSchema.safeParse(',
  // A license's stored policy override (a hand edit must not break every check).
  'licensing/policy.ts: policyOverrideSchema.safeParse(',
]

describe('service seams', () => {
  it('no service branches on a wire protocol name', () => {
    expect(find(/protocol\s*[!=]==?\s*['"](?:licensecm|sellrealm|devpayr|hirez)['"]/gi)).toEqual([])
  })

  it('no service parses its input with a schema again (only stored data is read with one)', () => {
    const parses = find(/\b\w+Schema(?:\.\w+\(\))*\.(?:safeParse|parse)\(/g)
    expect(parses.filter((p) => !STORED_DATA_READS.includes(p))).toEqual([])
  })
})
