import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { sdkServer, type SdkServer } from '../../packages/client/test/setup'
import { setupLicensing, type ElectronLike } from './licensing'

let s: SdkServer
const dirs: string[] = []
beforeAll(async () => {
  s = await sdkServer()
})
afterAll(async () => {
  await s.srv.stop()
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

/** Electron stubbed: the slice of app / ipcMain / dialog the snippet uses, recorded. */
function fakeElectron() {
  const userData = mkdtempSync(join(tmpdir(), 'kw-electron-'))
  dirs.push(userData)
  const handlers = new Map<string, (e: unknown, ...a: unknown[]) => unknown>()
  const electron = {
    app: { getPath: () => userData, quit: vi.fn(), on: vi.fn() },
    ipcMain: {
      handle: (c: string, f: (e: unknown, ...a: unknown[]) => unknown) => handlers.set(c, f),
    },
    dialog: { showErrorBox: vi.fn() },
  } satisfies ElectronLike
  const invoke = (c: string, ...a: unknown[]) => handlers.get(c)!({}, ...a)
  return { electron, invoke }
}

describe('the Electron main-process example (electron stubbed)', () => {
  it('activates over IPC, then starts offline from the saved file, and quits on a ban', async () => {
    const { product, license, key } = await s.seed()
    const cfg = {
      url: s.srv.url,
      productId: product.id,
      publicKeys: s.pins,
      heartbeatMs: 3_600_000,
      hwid: 'electron-hw',
    }
    const { electron, invoke } = fakeElectron()
    const lic = setupLicensing(electron, cfg)
    expect(await lic.start()).toEqual({ state: 'unlicensed' })
    expect(await invoke('license:activate', key)).toMatchObject({ state: 'licensed' })
    await lic.stop()

    // Next start with no network: the saved file alone licenses the app.
    const offline = setupLicensing(electron, {
      ...cfg,
      url: 'http://127.0.0.1:9',
      client: { retry: { retries: 0 } },
    })
    expect(await offline.start()).toMatchObject({ state: 'offline', expiry: expect.any(String) })
    expect(await invoke('license:status')).toMatchObject({ state: 'offline' })

    // Online again after the vendor banned the key: the user is told, the app quits.
    await s.srv.json(`/api/licenses/${license.id}/ban`, {
      body: { reason: 'refund' },
      headers: { authorization: `Bearer ${s.admin}` },
    })
    const again = setupLicensing(electron, cfg)
    expect(await again.start()).toEqual({
      state: 'refused',
      code: 'LICENSE_BANNED',
      message: 'Key has been banned',
    })
    expect(electron.dialog.showErrorBox).toHaveBeenCalledWith(
      'License',
      'Key has been banned (LICENSE_BANNED)',
    )
    expect(electron.app.quit).toHaveBeenCalled()
  })

  it('main.ts imports and wires itself with electron mocked (no Electron binary needed)', async () => {
    const { electron } = fakeElectron()
    const whenReady = vi.fn(() => Promise.resolve())
    vi.doMock('electron', () => ({ ...electron, app: { ...electron.app, whenReady } }))
    vi.stubEnv('KEYWARDEN_RSA_PEM', s.pins.rsa)
    vi.stubEnv('KEYWARDEN_ED25519_PEM', s.pins.ed25519)
    vi.stubEnv('KEYWARDEN_URL', 'http://127.0.0.1:9')
    try {
      const mod = await import('./main')
      expect(whenReady).toHaveBeenCalled()
      expect(mod.licensing.status()).toEqual({ state: 'unlicensed' })
    } finally {
      vi.unstubAllEnvs()
      vi.doUnmock('electron')
    }
  })
})
