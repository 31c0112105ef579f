import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { startTestServer, type TestServer } from '../helpers/server'
import { ROOT, spawnLogged } from '../helpers/processes'

/** The ```sh block of README.md whose first line is `# quickstart`. */
function quickstart(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
  const blocks = [...readme.matchAll(/```sh\n(# quickstart\n[\s\S]*?)```/g)].map((m) => m[1])
  expect(blocks).toHaveLength(1)
  return blocks[0]
}

let srv: TestServer
beforeAll(async () => {
  srv = await startTestServer()
})
afterAll(async () => {
  await srv.stop()
})

describe('README quick start', () => {
  it('runs as written against a fresh server: every request succeeds, the license validates', async () => {
    const script = quickstart()
    for (const step of ['auth/register', 'auth/login', 'api/products', 'api/licenses']) {
      expect(script).toContain(step)
    }
    // -e and pipefail: a failed curl (-f: any HTTP error) stops the script with its status.
    // (Asynchronously: the server answers from this very process.)
    const run = spawnLogged('bash', ['-euo', 'pipefail', '-c', script], {
      env: { ...process.env, KW: srv.url, SETUP_TOKEN: srv.runtime.setupToken },
    })
    expect(await run.exited(30_000)).toBe(0)
    // register, activate and validate print true (jq of their answers); login, product and
    // license feed the next steps.
    expect(run.output().trim().split('\n')).toEqual(['true', 'true', 'true'])
  })
})
