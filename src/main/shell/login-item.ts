import { app } from 'electron'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import type { DesktopSettings } from '@shared/channels/system'
import type { DesktopHooks } from '../rpc/handlers/types'

/** The choices kept in desktop.json (only those the vendor made: the rest follow defaults). */
interface Saved {
  notify_critical?: boolean
  auto_update?: boolean
}

/**
 * The desktop-only settings the console shows under Settings → Desktop: start at login (the
 * OS login item; the app then starts hidden, serving from the tray), native notifications
 * for critical security events (on by default) and automatic update checks (on by default in
 * a packaged build, off in development: `autoUpdateDefault`), saved in userData/desktop.json.
 * `onAutoUpdate` hears the update switch change.
 */
export function createDesktopHooks(
  file: string,
  platform: NodeJS.Platform = process.platform,
  opts: { autoUpdateDefault?: boolean; onAutoUpdate?(on: boolean): void } = {},
): DesktopHooks & { notifyCritical(): boolean; autoUpdate(): boolean } {
  let saved: Saved = {}
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>
    for (const k of ['notify_critical', 'auto_update'] as const) {
      if (typeof parsed[k] === 'boolean') saved[k] = parsed[k]
    }
  } catch {
    // first run: defaults
  }
  const notifyCritical = () => saved.notify_critical !== false
  const autoUpdate = () => saved.auto_update ?? opts.autoUpdateDefault ?? false
  const save = (patch: Saved) => {
    saved = { ...saved, ...patch }
    mkdirSync(dirname(file), { recursive: true })
    writeFileSync(file, JSON.stringify(saved))
  }
  // Electron sets login items on Windows and macOS only.
  const supported = platform === 'win32' || platform === 'darwin'
  const get = (): DesktopSettings => ({
    start_at_login: supported ? app.getLoginItemSettings().openAtLogin : null,
    notify_critical: notifyCritical(),
    auto_update: autoUpdate(),
  })
  return {
    get,
    set(patch) {
      if (patch.start_at_login !== undefined && patch.start_at_login !== null && supported) {
        // --hidden (Windows; macOS reports wasOpenedAtLogin): start in the tray, no window.
        app.setLoginItemSettings({ openAtLogin: patch.start_at_login, args: ['--hidden'] })
      }
      if (patch.notify_critical !== undefined) save({ notify_critical: patch.notify_critical })
      if (patch.auto_update !== undefined) {
        save({ auto_update: patch.auto_update })
        opts.onAutoUpdate?.(patch.auto_update)
      }
      return get()
    },
    notifyCritical,
    autoUpdate,
  }
}
