import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sdkServer, type SdkServer } from '../../packages/client/test/setup'
import { main, type CliEnv } from './cli'

let s: SdkServer
let dir: string
beforeAll(async () => {
  s = await sdkServer()
  dir = mkdtempSync(join(tmpdir(), 'kw-cli-'))
})
afterAll(async () => {
  await s.srv.stop()
  rmSync(dir, { recursive: true, force: true })
})

function run(argv: string[], env: CliEnv) {
  const out: string[] = []
  const err: string[] = []
  return main(argv, env, { out: (l) => out.push(l), err: (l) => err.push(l) }).then((code) => ({
    code,
    out,
    err,
  }))
}

describe('the Node CLI example', () => {
  it('activate → validate → checkout → verify offline (the server stopped), and a refusal', async () => {
    const { product, key } = await s.seed()
    const env: CliEnv = {
      url: s.srv.url,
      productId: product.id,
      rsaPem: s.pins.rsa,
      ed25519Pem: s.pins.ed25519,
      stateDir: join(dir, 'a'),
      hwid: 'cli-machine',
    }
    expect((await run(['activate', key], env)).out[0]).toMatch(
      /^activated on cli-machine… \(session until /,
    )
    expect((await run(['validate', key], env)).out).toEqual([
      expect.stringMatching(/^valid: subscription, expires \d{4}-/),
    ])
    const co = await run(['checkout', key], env)
    expect(co.code).toBe(0)
    expect(readFileSync(join(env.stateDir, 'license.lic'), 'utf8')).toMatch(
      /^-----BEGIN LICENSE FILE-----/,
    )
    // Offline: a server that does not answer changes nothing for verify.
    const offline = { ...env, url: 'http://127.0.0.1:9' }
    const v = await run(['verify', key], offline)
    expect(v).toMatchObject({
      code: 0,
      out: [expect.stringMatching(/^license file OK: subscription/)],
    })
    // Without the key the encrypted file does not open; another machine is refused.
    expect((await run(['verify'], offline)).err[0]).toMatch(/^LICENSE_FILE_DECRYPT: /)
    expect((await run(['verify', key], { ...offline, hwid: 'other' })).code).toBe(1)
    // A clock set back behind the last run is noticed.
    const back = await run(['verify', key], { ...offline, now: () => Date.now() - 86_400_000 })
    expect(back.err[0]).toBe(
      'CLOCK_TAMPERED: The system clock is behind the last time this app saw',
    )

    const bad = await run(['validate', 'NOT-A-KEY'], env)
    expect(bad).toMatchObject({ code: 1, err: ['LICENSE_NOT_FOUND: Invalid license key'] })
    expect((await run(['nonsense'], env)).code).toBe(2)
  })

  it('writes an air-gapped request the vendor turns into a file the CLI verifies', async () => {
    const { product, key } = await s.seed()
    const env: CliEnv = {
      url: 'http://127.0.0.1:9',
      productId: product.id,
      rsaPem: s.pins.rsa,
      ed25519Pem: s.pins.ed25519,
      stateDir: join(dir, 'b'),
      hwid: 'air-machine',
    }
    expect((await run(['request', key], env)).code).toBe(0)
    const request = readFileSync(join(env.stateDir, 'license.req'), 'utf8')
    const r = await s.srv.json('/api/license-files/from-request', {
      body: { request, encrypt: true },
      headers: { authorization: `Bearer ${s.admin}` },
    })
    expect(r.status).toBe(201)
    const { writeFileSync } = await import('node:fs')
    writeFileSync(join(env.stateDir, 'license.lic'), r.body.data.file)
    expect((await run(['verify', key], env)).out[0]).toMatch(/^license file OK/)
  })
})
