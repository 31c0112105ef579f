import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { loadMasterKey, seal, unseal } from './seal'

describe('sealed secrets', () => {
  const dirs: string[] = []
  const dir = () => {
    const d = mkdtempSync(join(tmpdir(), 'kw-seal-'))
    dirs.push(d)
    return d
  }
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })))

  it('creates one master key per data directory, readable by the owner only, and reuses it', () => {
    const d = dir()
    const k1 = loadMasterKey(d)
    expect(k1.length).toBe(32)
    if (process.platform !== 'win32')
      expect(statSync(join(d, 'master.key')).mode & 0o777).toBe(0o600)
    expect(loadMasterKey(d).equals(k1)).toBe(true)
    expect(loadMasterKey(dir()).equals(k1)).toBe(false)
  })

  it('round-trips, hides the plaintext, and refuses another owner or a tampered value', () => {
    const key = loadMasterKey(dir())
    const sealed = seal(key, 'top-secret-value', 'key-1')
    expect(sealed).not.toContain('top-secret')
    expect(seal(key, 'top-secret-value', 'key-1')).not.toBe(sealed) // fresh IV every time
    expect(unseal(key, sealed, 'key-1')).toBe('top-secret-value')
    expect(() => unseal(key, sealed, 'key-2')).toThrow()
    const parts = sealed.split('.')
    parts[3] = Buffer.from(
      'x' + Buffer.from(parts[3], 'base64url').toString('latin1'),
      'latin1',
    ).toString('base64url')
    expect(() => unseal(key, parts.join('.'), 'key-1')).toThrow()
    expect(() => unseal(loadMasterKey(dir()), sealed, 'key-1')).toThrow()
  })
})
