import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const pkg = resolve(import.meta.dirname, '..')

describe('the package build (TypeScript compiler only)', () => {
  it('emits ESM, CommonJS and .d.ts that Node loads by the package name', () => {
    execFileSync(process.execPath, [join(pkg, 'build.mjs')], { stdio: 'pipe' })
    const manifest = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8'))
    expect(manifest.name).toBe('@keywarden/client')
    expect(manifest.dependencies).toBeUndefined()
    for (const f of Object.values(manifest.exports['.']) as string[])
      expect(existsSync(join(pkg, f))).toBe(true)
    const probe = (type: 'cjs' | 'esm') =>
      execFileSync(
        process.execPath,
        type === 'cjs'
          ? [
              '-e',
              `const m = require(${JSON.stringify(pkg)}); console.log(typeof m.KeywardenClient, typeof m.verifyLicenseFile, new m.LicenseBannedError('x') instanceof m.KeywardenError)`,
            ]
          : [
              '--input-type=module',
              '-e',
              `const m = await import(${JSON.stringify(join(pkg, manifest.exports['.'].import))}); console.log(typeof m.KeywardenClient, typeof m.verifyLicenseFile, new m.LicenseBannedError('x') instanceof m.KeywardenError)`,
            ],
        { encoding: 'utf8' },
      ).trim()
    expect(probe('cjs')).toBe('function function true')
    expect(probe('esm')).toBe('function function true')
    const dts = readFileSync(join(pkg, 'dist/types/index.d.ts'), 'utf8')
    expect(dts).toContain("export * from './client.js'")
    expect(readFileSync(join(pkg, 'dist/types/client.d.ts'), 'utf8')).toMatch(
      /export declare class KeywardenClient/,
    )
  }, 180_000)
})
