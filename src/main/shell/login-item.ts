import { app } from 'electron'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import type { DesktopSettings } from '@shared/channels/system'
import type { DesktopHooks } from '../rpc/handlers/types'

/**
 * The desktop-only settings the console shows under Settings → Desktop: start at login (the
 * OS login item; the app then starts hidden, serving from the tray) and native notifications
 * for critical security events (saved in userData/desktop.json, on by default).
 */
export function createDesktopHooks(
  file: string,
  platform: NodeJS.Platform = process.platform,
): DesktopHooks & { notifyCritical(): boolean } {
  let notify = true
  try {
    notify =
      (JSON.parse(readFileSync(file, 'utf8')) as { notify_critical?: unknown }).notify_critical !==
      false
  } catch {
    // first run: defaults
  }
  // Electron sets login items on Windows and macOS only.
  const supported = platform === 'win32' || platform === 'darwin'
  const get = (): DesktopSettings => ({
    start_at_login: supported ? app.getLoginItemSettings().openAtLogin : null,
    notify_critical: notify,
  })
  return {
    get,
    set(patch) {
      if (patch.start_at_login !== undefined && patch.start_at_login !== null && supported) {
        // --hidden (Windows; macOS reports wasOpenedAtLogin): start in the tray, no window.
        app.setLoginItemSettings({ openAtLogin: patch.start_at_login, args: ['--hidden'] })
      }
      if (patch.notify_critical !== undefined) {
        notify = patch.notify_critical
        mkdirSync(dirname(file), { recursive: true })
        writeFileSync(file, JSON.stringify({ notify_critical: notify }))
      }
      return get()
    },
    notifyCritical: () => notify,
  }
}
