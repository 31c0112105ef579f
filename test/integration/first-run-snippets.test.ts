import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { integrationSnippets } from '../../src/shared/snippets'
import { loginConsole, startTestServer, type ConsoleRpc, type TestServer } from '../helpers/server'

const run = promisify(execFile)

/**
 * The first-run card's snippets are correct: generated for a real product, key and public key,
 * the curl, Node and Python ones activate the key against the running server.
 */
describe('first-run integration snippets', () => {
  let s: TestServer
  let rpc: ConsoleRpc
  let dir: string
  const token = 'snippets-console-token-123456'

  beforeAll(async () => {
    s = await startTestServer({ console: { setupToken: token } })
    rpc = await loginConsole(s, token)
    dir = mkdtempSync(join(tmpdir(), 'kw-snippets-'))
  })
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true })
    await s.stop()
  })

  it('curl, Node and Python snippets activate the new key and the Node one verifies the signature', async () => {
    const product = (await rpc('products.create', { name: 'First App' })).body.data
    const keys = (await rpc('licenses.bulkCreate', { product_id: product.id, count: 3 })).body.data
      .licenses as { license_key: string }[]
    const publicKey = (await s.json('/api/client/public-key')).body.data.public_key as string
    const snippet = (licenseKey: string) =>
      integrationSnippets({ baseUrl: s.url, productId: product.id, licenseKey, publicKey })

    const node = join(dir, 'check.mjs')
    writeFileSync(node, snippet(keys[0].license_key).node)
    const fromNode = JSON.parse((await run(process.execPath, [node])).stdout)
    expect(fromNode).toMatchObject({ success: true, data: { signature: expect.any(String) } })

    const fromCurl = JSON.parse((await run('sh', ['-c', snippet(keys[1].license_key).curl])).stdout)
    expect(fromCurl).toMatchObject({ success: true })

    const py = join(dir, 'check.py')
    writeFileSync(py, snippet(keys[2].license_key).python)
    const fromPython = JSON.parse((await run('python3', [py])).stdout)
    expect(fromPython).toMatchObject({ success: true })

    // An unknown key gets the API's refusal, printed the same way (not a crash).
    writeFileSync(node, snippet('NOPE-NOPE-NOPE-NOPE').node)
    expect(JSON.parse((await run(process.execPath, [node])).stdout)).toMatchObject({
      success: false,
    })
  })
})
