/**
 * Licensing in an Electron app's main process with @keywarden/client. The renderer never
 * sees the key or the client: it asks main over IPC ('license:status', 'license:activate').
 *
 * At start: the saved license file is verified offline against the pinned Ed25519 key (so
 * the app starts without network), then, when online, the key is validated and a heartbeat
 * loop keeps the session; a refusal that cannot change (banned, expired) tells the user and
 * quits. The last time seen is persisted, so a clock set back is noticed.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  KeywardenClient,
  KeywardenError,
  machineFingerprint,
  type HeartbeatLoop,
} from '@keywarden/client'

/** The slice of Electron this module uses (the real `app`, `ipcMain`, `dialog` fit it). */
export interface ElectronLike {
  app: {
    getPath(name: 'userData'): string
    quit(): void
    on(e: 'before-quit', f: () => void): void
  }
  ipcMain: { handle(channel: string, f: (e: unknown, ...args: unknown[]) => unknown): void }
  dialog: { showErrorBox(title: string, content: string): void }
}

export interface LicensingConfig {
  url: string
  productId: string
  publicKeys: { rsa: string; ed25519: string }
  heartbeatMs: number
  /** Injected by tests. */
  hwid?: string
  client?: Partial<ConstructorParameters<typeof KeywardenClient>[0]>
}

export type LicenseStatus =
  | { state: 'unlicensed' }
  | { state: 'offline'; expiry: string }
  | { state: 'licensed'; expires_at: string | null; warning?: string }
  | { state: 'refused'; code: string; message: string }

export function setupLicensing(electron: ElectronLike, cfg: LicensingConfig) {
  const dir = join(electron.app.getPath('userData'), 'license')
  mkdirSync(dir, { recursive: true })
  const files = {
    key: join(dir, 'key.txt'),
    lic: join(dir, 'license.lic'),
    seen: join(dir, 'last-seen.txt'),
  }
  const hwid = cfg.hwid ?? machineFingerprint({ salt: cfg.productId })
  const client = new KeywardenClient({
    baseUrl: cfg.url,
    productId: cfg.productId,
    publicKeys: cfg.publicKeys,
    ...cfg.client,
  })
  let status: LicenseStatus = { state: 'unlicensed' }
  let loop: HeartbeatLoop | null = null

  const read = (p: string) => (existsSync(p) ? readFileSync(p, 'utf8').trim() : null)

  function refuse(e: KeywardenError) {
    status = { state: 'refused', code: e.code, message: e.message }
    electron.dialog.showErrorBox('License', `${e.message} (${e.code})`)
    electron.app.quit()
  }

  /** Offline first: a valid saved file lets the app start with no network at all. */
  function offline(key: string): void {
    const text = read(files.lic)
    if (!text) return
    try {
      const v = client.verifyLicenseFile(text, {
        licenseKey: key,
        fingerprint: hwid,
        lastSeen: Number(read(files.seen) ?? 0) || null,
      })
      writeFileSync(files.seen, String(v.lastSeen))
      status = { state: 'offline', expiry: v.payload.expiry }
    } catch (e) {
      if (e instanceof KeywardenError)
        status = { state: 'refused', code: e.code, message: e.message }
    }
  }

  /** Online: validate, refresh the file, keep the session alive. */
  async function online(key: string, activate: boolean): Promise<void> {
    const m = { licenseKey: key, hwid }
    try {
      const v = activate ? await client.activate(m) : await client.validate(m)
      if (!activate) await client.activate(m) // a session for the heartbeat loop
      const f = await client.checkOutLicenseFile(m, { encrypt: true })
      writeFileSync(files.lic, f.certificate)
      status = { state: 'licensed', expires_at: v.license?.expires_at ?? null, warning: v.warning }
      loop?.stop()
      loop = client.startHeartbeat(m, {
        intervalMs: cfg.heartbeatMs,
        onError: (e, info) => {
          if (info.fatal && e instanceof KeywardenError) refuse(e)
        },
      })
    } catch (e) {
      if (e instanceof KeywardenError && e.code !== 'NETWORK_ERROR') refuse(e)
      // No network: the offline verdict stands.
    }
  }

  electron.ipcMain.handle('license:status', () => status)
  electron.ipcMain.handle('license:activate', async (_e, key) => {
    if (typeof key !== 'string' || !key.trim()) return status
    writeFileSync(files.key, key.trim())
    await online(key.trim(), true)
    return status
  })
  electron.app.on('before-quit', () => void loop?.stop())

  return {
    /** Runs the start-up checks (call once the app is ready). */
    async start(): Promise<LicenseStatus> {
      const key = read(files.key)
      if (!key) return status
      offline(key)
      if (status.state !== 'refused') await online(key, false)
      return status
    },
    status: () => status,
    stop: async () => loop?.stop(),
  }
}
