import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  chmodSync,
  cpSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
  closeSync,
} from 'node:fs'
import { randomBytes } from 'node:crypto'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { handleOf } from '../../src/main/db/sqlite/handles'
import { startRuntime } from '../../src/main/runtime'
import { CONSOLE } from '../../src/main/services/context'
import { startTestServer } from '../helpers/server'
import { onPostgres } from '../helpers/store'

/** A data folder of a real installation (a product, an API key), closed cleanly. */
let golden: string
let publicKey: string
const scratch: string[] = []

function copyOfInstallation(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kw-damaged-'))
  scratch.push(dir)
  cpSync(golden, dir, { recursive: true })
  return dir
}

async function starts(dataDir: string, opts: { resetIdentity?: boolean } = {}) {
  const runtime = await startRuntime({
    dataDir,
    host: '127.0.0.1',
    port: 0,
    logLevel: 'silent',
    ...opts,
  })
  await runtime.services.licensing.attestor.ready()
  const key = runtime.services.licensing.publicKeyPem()
  const products = await runtime.services.products.list(CONSOLE)
  await runtime.close()
  return { key, products }
}

beforeAll(async () => {
  if (onPostgres) return // the golden folder serves the SQLite-only cases below
  const s = await startTestServer()
  await s.runtime.services.products.create(CONSOLE, { name: 'Damage Test App' })
  await s.runtime.services.apiKeys.create(CONSOLE, { name: 'ci', scopes: ['licenses:read'] })
  await s.runtime.services.licensing.attestor.ready()
  publicKey = s.runtime.services.licensing.publicKeyPem()!
  await s.runtime.close()
  golden = s.dataDir
  scratch.push(golden)
})
afterAll(() => {
  for (const d of scratch) rmSync(d, { recursive: true, force: true })
})

// The data folder's SQLite file (read-only, 0 bytes, damaged, file modes, SQLite's
// integrity_check, a broken file at shutdown): SQLite-only, skipped in the PostgreSQL run.
describe.skipIf(onPostgres)(
  'damaged data folders refuse to start with one line naming the file and the way out',
  () => {
    const cases: { name: string; damage: (dir: string) => void; message: RegExp }[] = [
      {
        name: 'a read-only database file in a writable folder',
        damage: (d) => chmodSync(join(d, 'keywarden.db'), 0o444),
        message: /keywarden\.db is read-only: make it writable/,
      },
      {
        name: 'page corruption in the middle of the database',
        damage: (d) => {
          const file = join(d, 'keywarden.db')
          const size = statSync(file).size
          const fd = openSync(file, 'r+')
          // Pages 2.. (after the header page) overwritten with garbage.
          writeSync(fd, Buffer.alloc(Math.min(size - 4096, 8 * 4096), 0xa5), 0, undefined, 4096)
          closeSync(fd)
        },
        message: /^\S+keywarden\.db is damaged \(quick_check: .+\): restore a backup[^\n]*$/,
      },
      {
        name: 'a garbage RSA private key',
        damage: (d) => writeFileSync(join(d, 'keys', 'rsa-private.pem'), 'not a key at all\n'),
        message:
          /rsa-private\.pem is not a usable RSA private key .*restore a backup.*--reset-identity/,
      },
      {
        name: 'a deleted keys/ folder next to an installation',
        damage: (d) => rmSync(join(d, 'keys'), { recursive: true }),
        message:
          /rsa-private\.pem is missing but .*keywarden\.db holds an installation.*--reset-identity/,
      },
      {
        name: 'a garbage master.key',
        damage: (d) => writeFileSync(join(d, 'master.key'), 'garbage\n'),
        message:
          /master\.key is not a 32-byte base64 master key: restore master\.key from the backup/,
      },
      {
        name: 'a missing master.key while sealed secrets exist',
        damage: (d) => rmSync(join(d, 'master.key')),
        message: /master\.key is missing but the database holds secrets sealed with it/,
      },
      {
        name: 'a 0-byte keywarden.db next to existing keys',
        damage: (d) => {
          writeFileSync(join(d, 'keywarden.db'), '')
          rmSync(join(d, 'keywarden.db-wal'), { force: true })
          rmSync(join(d, 'keywarden.db-shm'), { force: true })
        },
        message: /keywarden\.db is empty \(0 bytes\) but the keys of an installation are beside it/,
      },
    ]

    for (const c of cases) {
      it(`refuses ${c.name}`, async () => {
        const dir = copyOfInstallation()
        c.damage(dir)
        await expect(
          startRuntime({ dataDir: dir, host: '127.0.0.1', port: 0, logLevel: 'silent' }),
        ).rejects.toThrow(c.message)
      })
    }

    it('starts a healthy copy with the same identity and data', async () => {
      const r = await starts(copyOfInstallation())
      expect(r.key).toBe(publicKey)
      expect(r.products.map((p) => p.name)).toEqual(['Damage Test App'])
    })

    it('--reset-identity deliberately makes a new key for a deleted keys/ folder, keeping the data', async () => {
      const dir = copyOfInstallation()
      rmSync(join(dir, 'keys'), { recursive: true })
      const r = await starts(dir, { resetIdentity: true })
      expect(r.key).toMatch(/^-----BEGIN PUBLIC KEY-----/)
      expect(r.key === publicKey).toBe(false)
      expect(r.products.map((p) => p.name)).toEqual(['Damage Test App'])
      // The next plain start keeps the new identity.
      expect((await starts(dir)).key).toBe(r.key)
    })

    it('--reset-identity replaces a garbage key and keeps the old file beside it', async () => {
      const dir = copyOfInstallation()
      writeFileSync(join(dir, 'keys', 'rsa-private.pem'), 'garbage')
      const r = await starts(dir, { resetIdentity: true })
      expect(r.key).toMatch(/^-----BEGIN PUBLIC KEY-----/)
      const kept = (await import('node:fs'))
        .readdirSync(join(dir, 'keys'))
        .filter((n) => n.includes('.replaced-'))
      expect(kept).toHaveLength(1)
      expect(readFileSync(join(dir, 'keys', kept[0]), 'utf8')).toBe('garbage')
    })
  },
)

describe.skipIf(onPostgres)('file modes: the data folder is owner-only', () => {
  it('tightens a pre-existing 0755 folder to 0700 and makes database, WAL, SHM, keys, master.key and backups 0600', async () => {
    const dir = copyOfInstallation()
    chmodSync(dir, 0o755)
    chmodSync(join(dir, 'keywarden.db'), 0o644)
    const runtime = await startRuntime({
      dataDir: dir,
      host: '127.0.0.1',
      port: 0,
      logLevel: 'silent',
    })
    try {
      await runtime.services.products.create(CONSOLE, { name: 'Written while open' })
      const b = await runtime.services.backup.backup()
      const mode = (p: string) => statSync(join(dir, p)).mode & 0o777
      expect(mode('.')).toBe(0o700)
      for (const f of [
        'keywarden.db',
        'keywarden.db-wal',
        'keywarden.db-shm',
        'master.key',
        'keys/rsa-private.pem',
        `backups/${b.name}`,
      ]) {
        expect([f, mode(f)]).toEqual([f, 0o600])
      }
    } finally {
      await runtime.close()
    }
  })
})

describe.skipIf(onPostgres)(
  'system.integrityCheck: the full check on demand from the console',
  () => {
    it('answers ok with SQLite’s own verdict for a healthy database, and records the check', async () => {
      const { loginConsole } = await import('../helpers/server')
      const token = 'integrity-setup-token-1234'
      const s = await startTestServer({ console: { setupToken: token } })
      try {
        const rpc = await loginConsole(s, token)
        const r = await rpc('system.integrityCheck', {})
        expect(r.status).toBe(200)
        expect(r.body.data).toMatchObject({ ok: true, messages: ['ok'] })
        const events = await s.runtime.services.events.recent({ kind: 'console' }, 5)
        expect(events.map((e) => e.type)).toContain('system.integrity_check')
      } finally {
        await s.stop()
      }
    })
  },
)

describe.skipIf(onPostgres)('shutdown never prints a stack trace', () => {
  it('a SIGTERM with the database broken underneath closes with one line and exit code 1', async () => {
    const { shutdown } = await import('../../src/main/runtime')
    const dir = copyOfInstallation()
    const runtime = await startRuntime({
      dataDir: dir,
      host: '127.0.0.1',
      port: 0,
      logLevel: 'silent',
    })
    // The database connection dies under the running server (what a vanished disk looks like).
    handleOf(runtime.store.db).close()
    const lines: string[] = []
    const out = { log: (m: string) => lines.push(m), error: (m: string) => lines.push(m) }
    expect(await shutdown(runtime, 'SIGTERM', out)).toBe(1)
    expect(lines).toHaveLength(2)
    expect(lines[0]).toBe('SIGTERM received: closing')
    expect(lines[1]).toMatch(/^Keywarden closed with an error: [^\n]+$/)
    expect(lines.join('\n').includes('    at ')).toBe(false)
  })

  it('a healthy shutdown says one line and exits 0', async () => {
    const { shutdown } = await import('../../src/main/runtime')
    const runtime = await startRuntime({
      dataDir: copyOfInstallation(),
      host: '127.0.0.1',
      port: 0,
    })
    const lines: string[] = []
    expect(
      await shutdown(runtime, 'SIGINT', { log: (m) => lines.push(m), error: (m) => lines.push(m) }),
    ).toBe(0)
    expect(lines).toEqual(['SIGINT received: closing'])
  })
})

/**
 * Another node's data folder on the same database: under the switch a new folder against the
 * installation's PostgreSQL database (what a second node set up by mistake looks like), on
 * SQLite a copy of the installation's folder. A folder without the installation's keys must
 * refuse, not start as a fresh install making new ones.
 */
describe('a data folder without the keys of the installation in the database refuses to start', () => {
  let installation: { dataDir: string; database: string | undefined }
  let identity: string

  beforeAll(async () => {
    const s = await startTestServer()
    await s.runtime.services.products.create(CONSOLE, { name: 'Node Test App' })
    await s.runtime.services.licensing.attestor.ready()
    identity = s.runtime.services.licensing.publicKeyPem()!
    await s.runtime.close()
    installation = { dataDir: s.dataDir, database: s.database }
    scratch.push(s.dataDir)
  })

  /** Another node's folder, with the installation's RSA key and master.key when asked. */
  function nodeFolder(keys: { rsa: boolean; master: 'same' | 'other' | 'none' }): string {
    const dir = mkdtempSync(join(tmpdir(), 'kw-node-'))
    scratch.push(dir)
    if (onPostgres) {
      if (keys.rsa)
        cpSync(join(installation.dataDir, 'keys'), join(dir, 'keys'), { recursive: true })
      if (keys.master === 'same')
        cpSync(join(installation.dataDir, 'master.key'), join(dir, 'master.key'))
    } else {
      cpSync(installation.dataDir, dir, { recursive: true })
      if (!keys.rsa) rmSync(join(dir, 'keys'), { recursive: true })
      if (keys.master !== 'same') rmSync(join(dir, 'master.key'))
    }
    if (keys.master === 'other') {
      writeFileSync(join(dir, 'master.key'), randomBytes(32).toString('base64') + '\n', {
        mode: 0o600,
      })
    }
    return dir
  }

  const start = (dataDir: string, opts: { resetIdentity?: boolean } = {}) =>
    startRuntime({ dataDir, database: installation.database, host: '127.0.0.1', port: 0, ...opts })
  // The database as the message names it: the SQLite file in the folder, or the URL (no password).
  const database = onPostgres ? /postgres:\/\/\S+/ : /keywarden\.db/

  it('refuses a folder without master.key while the database holds sealed secrets', async () => {
    await expect(start(nodeFolder({ rsa: true, master: 'none' }))).rejects.toThrow(
      /^\S+master\.key is missing but the database holds secrets sealed with it: restore master\.key[^\n]*$/,
    )
  })

  it('refuses a folder whose master.key is another installation’s', async () => {
    const dir = nodeFolder({ rsa: true, master: 'other' })
    const err = await start(dir).then(
      () => null,
      (e: Error) => e,
    )
    expect(err?.message).toMatch(
      /^\S+master\.key does not open the secrets \S+ holds \(it is another installation's key\): restore master\.key[^\n]*$/,
    )
    expect(err?.message).toMatch(database)
  })

  it('refuses a folder without the RSA key while the database holds an installation', async () => {
    const err = await start(nodeFolder({ rsa: false, master: 'same' })).then(
      () => null,
      (e: Error) => e,
    )
    expect(err?.message).toMatch(
      /^\S+rsa-private\.pem is missing but \S+ holds an installation: [^\n]*--reset-identity[^\n]*$/,
    )
    expect(err?.message).toMatch(database)
  })

  it('starts a folder with the installation’s keys: the same identity and data', async () => {
    const runtime = await start(nodeFolder({ rsa: true, master: 'same' }))
    try {
      await runtime.services.licensing.attestor.ready()
      expect(runtime.services.licensing.publicKeyPem()).toBe(identity)
      const products = await runtime.services.products.list(CONSOLE)
      expect(products.map((p) => p.name)).toEqual(['Node Test App'])
      expect(products[0].secret_key).toMatch(/^\w+$/)
    } finally {
      await runtime.close()
    }
  })

  it('--reset-identity deliberately makes a new RSA key for a folder without one', async () => {
    const runtime = await start(nodeFolder({ rsa: false, master: 'same' }), { resetIdentity: true })
    try {
      await runtime.services.licensing.attestor.ready()
      expect(runtime.services.licensing.publicKeyPem()).toMatch(/^-----BEGIN PUBLIC KEY-----/)
      expect(runtime.services.licensing.publicKeyPem() === identity).toBe(false)
    } finally {
      await runtime.close()
    }
  })
})
