/**
 * A Node CLI licensed with @keywarden/client: activate once online, check out a license
 * file, then keep working offline on the file alone.
 *
 *   keywarden-cli activate  KEY        bind this machine (online)
 *   keywarden-cli validate  KEY        check the key on this machine (online)
 *   keywarden-cli checkout  KEY        save a license file for this machine (online)
 *   keywarden-cli verify   [KEY]       verify the saved file (offline; KEY opens an encrypted one)
 *   keywarden-cli request   KEY        write an air-gapped activation request (offline)
 *
 * Configuration: KEYWARDEN_URL, KEYWARDEN_PRODUCT_ID, and the two public keys pinned with
 * the app (here files next to it: KEYWARDEN_RSA_PEM, KEYWARDEN_ED25519_PEM, or passed in).
 * State (the license file, the last time seen, the last revocation list) lives in
 * KEYWARDEN_STATE_DIR.
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import {
  KeywardenClient,
  KeywardenError,
  createLicenseRequest,
  machineFingerprint,
  verifyLicenseFile,
  type RevocationList,
} from '@keywarden/client'

export interface CliEnv {
  url: string
  productId: string
  /** The pinned keys (PEM text). */
  rsaPem: string
  ed25519Pem: string
  stateDir: string
  /** Injected for tests; defaults to this machine's HWID (salted per app) and the clock. */
  hwid?: string
  now?: () => number
}

export interface Io {
  out: (line: string) => void
  err: (line: string) => void
}

interface State {
  lastSeen?: number
  revocations?: RevocationList
}

const SALT = 'example-node-cli'

function loadState(dir: string): State {
  const p = join(dir, 'state.json')
  return existsSync(p) ? (JSON.parse(readFileSync(p, 'utf8')) as State) : {}
}

function saveState(dir: string, s: State): void {
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'state.json'), JSON.stringify(s, null, 2))
}

/** Runs one command; returns the process exit code (0 ok, 1 refused, 2 usage). */
export async function main(argv: string[], env: CliEnv, io: Io): Promise<number> {
  const [cmd, key] = argv
  const hwid = env.hwid ?? machineFingerprint({ salt: SALT })
  const now = env.now ?? Date.now
  const client = new KeywardenClient({
    baseUrl: env.url,
    productId: env.productId,
    publicKeys: { rsa: env.rsaPem, ed25519: env.ed25519Pem },
    now,
  })
  const licenseFile = join(env.stateDir, 'license.lic')
  const state = loadState(env.stateDir)
  try {
    switch (cmd) {
      case 'activate': {
        if (!key) break
        const a = await client.activate({ licenseKey: key, hwid })
        io.out(`activated on ${hwid.slice(0, 12)}… (session until ${a.session.expires_at})`)
        return 0
      }
      case 'validate': {
        if (!key) break
        const v = await client.validate({ licenseKey: key, hwid })
        io.out(
          `valid: ${v.license?.type ?? 'license'}, expires ${v.license?.expires_at ?? 'never'}`,
        )
        if (v.warning)
          io.out(`warning: ${v.warning}${v.grace_until ? ` until ${v.grace_until}` : ''}`)
        return 0
      }
      case 'checkout': {
        if (!key) break
        const f = await client.checkOutLicenseFile({ licenseKey: key, hwid }, { encrypt: true })
        mkdirSync(env.stateDir, { recursive: true })
        writeFileSync(licenseFile, f.certificate)
        // Online now: take the revocation list along for the offline days.
        state.revocations = await client.fetchRevocationList({
          lastSequence: state.revocations?.sequence,
        })
        saveState(env.stateDir, state)
        io.out(`license file saved to ${licenseFile} (valid until ${f.expires_at})`)
        return 0
      }
      case 'verify': {
        const v = verifyLicenseFile(readFileSync(licenseFile, 'utf8'), {
          publicKey: env.ed25519Pem,
          licenseKey: key,
          fingerprint: hwid,
          now: now(),
          lastSeen: state.lastSeen,
          revocations: state.revocations,
        })
        state.lastSeen = v.lastSeen
        saveState(env.stateDir, state)
        io.out(`license file OK: ${v.payload.license.type}, file valid until ${v.payload.expiry}`)
        return 0
      }
      case 'request': {
        if (!key) break
        mkdirSync(env.stateDir, { recursive: true })
        const p = join(env.stateDir, 'license.req')
        writeFileSync(
          p,
          createLicenseRequest({ licenseKey: key, fingerprint: hwid, productId: env.productId }),
        )
        io.out(
          `request written to ${p}: send it to your vendor, save their answer as ${licenseFile}`,
        )
        return 0
      }
    }
  } catch (e) {
    if (e instanceof KeywardenError) {
      io.err(`${e.code}: ${e.message}`)
      return 1
    }
    throw e
  }
  io.err('usage: keywarden-cli activate|validate|checkout|request KEY, or verify [KEY]')
  return 2
}

/** The environment a real run reads. */
export function envFromProcess(p: NodeJS.ProcessEnv = process.env): CliEnv {
  return {
    url: p.KEYWARDEN_URL ?? 'http://127.0.0.1:47293',
    productId: p.KEYWARDEN_PRODUCT_ID ?? '',
    rsaPem: readFileSync(p.KEYWARDEN_RSA_PEM ?? 'keys/rsa.pem', 'utf8'),
    ed25519Pem: readFileSync(p.KEYWARDEN_ED25519_PEM ?? 'keys/ed25519.pem', 'utf8'),
    stateDir: p.KEYWARDEN_STATE_DIR ?? '.keywarden-cli',
  }
}
