import { EventEmitter } from 'node:events'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { EventDto, ServerStatus } from '@shared/dto'

// The shell's logic runs against a stand-in Electron: the real package is never loaded.
const electron = vi.hoisted(() => {
  const shown: { title: string; body: string; urgency?: string; click?: () => void }[] = []
  class Notification {
    private handlers: Record<string, () => void> = {}
    constructor(private readonly opts: { title: string; body: string; urgency?: string }) {}
    static isSupported = () => true
    on(event: string, fn: () => void) {
      this.handlers[event] = fn
      return this
    }
    show() {
      shown.push({ ...this.opts, click: this.handlers.click })
    }
  }
  let loginItem = { openAtLogin: false }
  const app = {
    getLoginItemSettings: vi.fn(() => loginItem),
    setLoginItemSettings: vi.fn((s: { openAtLogin: boolean; args?: string[] }) => {
      loginItem = { openAtLogin: s.openAtLogin }
    }),
  }
  return { shown, Notification, app }
})
vi.mock('electron', () => ({ Notification: electron.Notification, app: electron.app }))

import { fitToDisplays, readWindowState, trackWindowState, DEFAULT_STATE } from './window-state'
import { createSecurityNotifier, notificationFor } from './notify'
import { createDesktopHooks } from './login-item'
import { buildTrayMenu } from './tray'
import { envPort } from './env'
import {
  createTrustedSender,
  denyPermissions,
  hardenWindow,
  permissionAllowed,
  rendererDevUrl,
} from './security'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kw-shell-'))
})
afterEach(() => {
  rmSync(dir, { recursive: true, force: true })
  vi.useRealTimers()
})

const event = (over: Partial<EventDto>): EventDto => ({
  id: 1,
  type: 'security.hwid_spoof',
  severity: 'critical',
  product_id: null,
  license_id: null,
  machine_id: null,
  hwid: 'HW-1',
  ip: '203.0.113.9',
  user_agent: null,
  details: {},
  blocked: true,
  created_at: new Date().toISOString(),
  ...over,
})

describe('window state', () => {
  it('starts at 1280×800 when nothing (or garbage) was saved, and never below the minimum size', () => {
    const file = join(dir, 'window-state.json')
    expect(readWindowState(file)).toEqual(DEFAULT_STATE)
    writeFileSync(file, '{not json')
    expect(readWindowState(file)).toEqual(DEFAULT_STATE)
    writeFileSync(file, JSON.stringify({ x: 10, y: 20, width: 300, height: 200, maximized: true }))
    expect(readWindowState(file)).toEqual({
      x: 10,
      y: 20,
      width: 960,
      height: 600,
      maximized: true,
    })
  })

  it('forgets a position that is no longer on any display', () => {
    const displays = [{ x: 0, y: 0, width: 1920, height: 1080 }]
    const onScreen = { x: 100, y: 100, width: 1280, height: 800, maximized: false }
    expect(fitToDisplays(onScreen, displays)).toEqual(onScreen)
    const unplugged = { x: 2500, y: 100, width: 1280, height: 800, maximized: false }
    expect(fitToDisplays(unplugged, displays)).toEqual({
      width: 1280,
      height: 800,
      maximized: false,
    })
    expect(
      fitToDisplays(unplugged, [...displays, { x: 1920, y: 0, width: 2560, height: 1440 }]),
    ).toEqual(unplugged)
  })

  it('saves size and position after moves (debounced) and on close, keeping normal bounds when maximized', () => {
    vi.useFakeTimers()
    const file = join(dir, 'sub', 'window-state.json')
    const win = Object.assign(new EventEmitter(), {
      bounds: { x: 5, y: 6, width: 1300, height: 900 },
      maximized: false,
      isDestroyed: () => false,
      isMaximized() {
        return this.maximized
      },
      getBounds() {
        return this.bounds
      },
      getNormalBounds: () => ({ x: 50, y: 60, width: 1200, height: 700 }),
    })
    const stop = trackWindowState(win as never, file, 100)
    win.emit('resize')
    win.emit('move')
    expect(() => readFileSync(file)).toThrow()
    vi.advanceTimersByTime(100)
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
      x: 5,
      y: 6,
      width: 1300,
      height: 900,
      maximized: false,
    })
    win.maximized = true
    win.emit('close')
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
      x: 50,
      y: 60,
      width: 1200,
      height: 700,
      maximized: true,
    })
    stop()
    expect(win.listenerCount('resize')).toBe(0)
  })
})

describe('security notifications', () => {
  it('notifies critical events only, naming what and where', () => {
    expect(notificationFor(event({ severity: 'high' }))).toBeNull()
    expect(notificationFor(event({}))).toEqual({
      title: 'Keywarden: critical security event',
      body: 'Security hwid spoof (from 203.0.113.9, HWID HW-1) — blocked',
    })
  })

  it('shows a native notification at most once a minute per event type; a click opens the console', () => {
    electron.shown.length = 0
    let t = 0
    const open = vi.fn()
    const notify = createSecurityNotifier(open, 60_000, () => t)
    expect(notify(event({}))).toBe(true)
    expect(notify(event({ id: 2 }))).toBe(false)
    expect(notify(event({ id: 3, type: 'security.brute_force' }))).toBe(true)
    expect(notify(event({ id: 4, severity: 'info' }))).toBe(false)
    t = 60_000
    expect(notify(event({ id: 5 }))).toBe(true)
    expect(electron.shown).toHaveLength(3)
    expect(electron.shown[0].urgency).toBe('critical')
    electron.shown[0].click!()
    expect(open).toHaveBeenCalledOnce()
  })
})

describe('desktop settings', () => {
  it('turns start-at-login on as a hidden login item and remembers the notification choice', () => {
    const file = join(dir, 'desktop.json')
    const hooks = createDesktopHooks(file, 'win32')
    expect(hooks.get()).toEqual({
      start_at_login: false,
      notify_critical: true,
      auto_update: false,
    })
    expect(hooks.set({ start_at_login: true })).toEqual({
      start_at_login: true,
      notify_critical: true,
      auto_update: false,
    })
    expect(electron.app.setLoginItemSettings).toHaveBeenCalledWith({
      openAtLogin: true,
      args: ['--hidden'],
    })
    hooks.set({ notify_critical: false })
    expect(hooks.notifyCritical()).toBe(false)
    expect(createDesktopHooks(file, 'win32').get().notify_critical).toBe(false)
  })

  it('checks for updates by default when packaged, remembers a choice made, and says so', () => {
    const file = join(dir, 'desktop-updates.json')
    const heard: boolean[] = []
    const packaged = createDesktopHooks(file, 'linux', {
      autoUpdateDefault: true,
      onAutoUpdate: (on) => heard.push(on),
    })
    expect(packaged.get().auto_update).toBe(true)
    // A development run (default off) on the same folder follows the default until a choice.
    expect(createDesktopHooks(file, 'linux').autoUpdate()).toBe(false)
    packaged.set({ auto_update: false })
    expect(heard).toEqual([false])
    expect(createDesktopHooks(file, 'linux', { autoUpdateDefault: true }).autoUpdate()).toBe(false)
    // Other choices are kept beside it.
    packaged.set({ notify_critical: false })
    expect(createDesktopHooks(file, 'linux', { autoUpdateDefault: true }).get()).toMatchObject({
      notify_critical: false,
      auto_update: false,
    })
  })

  it('says start-at-login is unavailable where Electron cannot set it (Linux)', () => {
    electron.app.setLoginItemSettings.mockClear()
    const hooks = createDesktopHooks(join(dir, 'desktop.json'), 'linux')
    expect(hooks.get().start_at_login).toBeNull()
    hooks.set({ start_at_login: true })
    expect(electron.app.setLoginItemSettings).not.toHaveBeenCalled()
  })
})

describe('tray menu', () => {
  const status = (up: boolean): ServerStatus => ({
    up,
    url: up ? 'http://127.0.0.1:47293' : null,
    urls: up ? ['http://127.0.0.1:47293'] : [],
    host: '127.0.0.1',
    port: 47293,
    version: '0.1.0',
    data_dir: '/d',
    started_at: null,
    public_key: null,
    ed25519_public_key: null,
    workers: 1,
  })

  it('shows the status, opens the console, copies the URL and quits', () => {
    const actions = { open: vi.fn(), copyUrl: vi.fn(), quit: vi.fn() }
    const menu = buildTrayMenu(status(true), actions)
    expect(menu.map((m) => m.label ?? m.type)).toEqual([
      'Server running on http://127.0.0.1:47293',
      'separator',
      'Open console',
      'Copy server URL',
      'separator',
      'Quit Keywarden',
    ])
    const click = (label: string) => (menu.find((m) => m.label === label)!.click as () => void)()
    click('Open console')
    click('Copy server URL')
    click('Quit Keywarden')
    expect(actions.open).toHaveBeenCalledOnce()
    expect(actions.copyUrl).toHaveBeenCalledWith('http://127.0.0.1:47293')
    expect(actions.quit).toHaveBeenCalledOnce()
    const down = buildTrayMenu(status(false), actions)
    expect(down[0].label).toBe('Server stopped')
    expect(down.find((m) => m.label === 'Copy server URL')!.enabled).toBe(false)
  })
})

describe('window hardening', () => {
  it('trusts only our renderer and sends http(s) links to the browser, denying everything else', () => {
    const trusted = createTrustedSender(undefined, '/app/out/renderer/index.html')
    expect(trusted('file:///app/out/renderer/index.html#/licenses')).toBe(true)
    expect(trusted('file:///etc/passwd')).toBe(false)
    expect(trusted('https://evil.example')).toBe(false)

    const handlers: Record<string, (e: { preventDefault(): void }, url: string) => void> = {}
    let openHandler: ((d: { url: string }) => { action: string }) | null = null
    const opened: string[] = []
    hardenWindow(
      {
        setWindowOpenHandler: (h: never) => (openHandler = h),
        on: ((name: string, fn: never) => (handlers[name] = fn)) as never,
      },
      trusted,
      (u) => opened.push(u),
    )
    expect(openHandler!({ url: 'https://docs.example/' })).toEqual({ action: 'deny' })
    expect(openHandler!({ url: 'javascript:alert(1)' })).toEqual({ action: 'deny' })
    const prevent = vi.fn()
    handlers['will-navigate']({ preventDefault: prevent }, 'https://phish.example/')
    expect(prevent).toHaveBeenCalled()
    expect(opened).toEqual(['https://docs.example/', 'https://phish.example/'])
  })
})

describe('KEYWARDEN_PORT', () => {
  it('accepts 0 (any free port) and falls back on nonsense', () => {
    expect(envPort('0', 47293)).toBe(0)
    expect(envPort('8080', 47293)).toBe(8080)
    expect(envPort(undefined, 47293)).toBe(47293)
    expect(envPort('http', 47293)).toBe(47293)
    expect(envPort('70000', 47293)).toBe(47293)
  })
})

describe('renderer source', () => {
  it.each([
    [{ ELECTRON_RENDERER_URL: 'http://localhost:5173' }, false, 'http://localhost:5173'],
    [{ ELECTRON_RENDERER_URL: 'http://localhost:5173' }, true, undefined],
    [{ ELECTRON_RENDERER_URL: 'https://evil.example/' }, true, undefined],
    [{ ELECTRON_RENDERER_URL: 'file:///tmp/x.html' }, false, undefined],
    [{ ELECTRON_RENDERER_URL: 'not a url' }, false, undefined],
    [{}, false, undefined],
  ])('env %j, packaged %s loads the dev URL %s', (env, packaged, expected) => {
    expect(rendererDevUrl(env, packaged)).toBe(expected)
  })
})

describe('permissions', () => {
  const trusted = createTrustedSender(undefined, '/app/out/renderer/index.html')
  const own = 'file:///app/out/renderer/index.html#/licenses'
  it.each([
    ['clipboard-sanitized-write', own, true],
    ['clipboard-sanitized-write', 'https://evil.example/', false],
    ['clipboard-sanitized-write', undefined, false],
    ['media', own, false],
    ['geolocation', own, false],
    ['notifications', own, false],
    ['clipboard-read', own, false],
    ['openExternal', own, false],
  ])('%s asked by %s is granted: %s', (permission, url, expected) => {
    expect(permissionAllowed(permission, url, trusted)).toBe(expected)
  })

  it('installs request and check handlers that deny what is not allowed', () => {
    let request: ((...a: unknown[]) => void) | undefined
    let check: ((...a: unknown[]) => boolean) | undefined
    denyPermissions(
      {
        setPermissionRequestHandler: (h: unknown) => (request = h as never),
        setPermissionCheckHandler: (h: unknown) => (check = h as never),
      } as never,
      trusted,
    )
    const contents = { getURL: () => own }
    const answers: boolean[] = []
    request!(contents, 'media', (ok: boolean) => answers.push(ok), { requestingUrl: own })
    request!(contents, 'clipboard-sanitized-write', (ok: boolean) => answers.push(ok), {})
    expect(answers).toEqual([false, true])
    expect(check!(contents, 'geolocation', 'file://', { requestingUrl: own })).toBe(false)
    expect(check!(null, 'clipboard-sanitized-write', 'file://', { requestingUrl: own })).toBe(true)
  })
})
