import { createRequire } from 'node:module'

/** How often a running app looks for a new release (besides once when checks start). */
export const UPDATE_CHECK_MS = 6 * 60 * 60_000

/** What the checker needs of electron-updater's `autoUpdater`. */
export interface Updater {
  checkForUpdatesAndNotify(): Promise<unknown>
}

/**
 * electron-updater, loaded on first use: it reads the packaged app's app-update.yml (written
 * by electron-builder from the `publish` section) and needs Electron, so nothing loads it
 * before the Settings switch asks for a check.
 */
function loadElectronUpdater(): Updater {
  const m = createRequire(import.meta.url)('electron-updater') as typeof import('electron-updater')
  return m.autoUpdater
}

/**
 * The "Check for updates automatically" switch: while on, a check now and every
 * UPDATE_CHECK_MS (electron-updater downloads a newer release and offers it on quit). A check
 * that fails (offline, no feed, a dev build) is logged and tried again at the next interval:
 * updates never stop the app or its server.
 */
export function createUpdateChecker(
  opts: { load?: () => Updater; log?: (line: string) => void; everyMs?: number } = {},
) {
  const load = opts.load ?? loadElectronUpdater
  const log = opts.log ?? ((line: string) => console.error(line))
  let timer: NodeJS.Timeout | null = null

  async function check(): Promise<void> {
    try {
      await load().checkForUpdatesAndNotify()
    } catch (e) {
      log(`Update check failed: ${e instanceof Error ? e.message : String(e)}`)
    }
  }

  return {
    check,
    /** Turns the checks on (one now, then periodic) or off. */
    apply(on: boolean): void {
      if (on && !timer) {
        void check()
        timer = setInterval(() => void check(), opts.everyMs ?? UPDATE_CHECK_MS)
        timer.unref?.()
      } else if (!on && timer) {
        clearInterval(timer)
        timer = null
      }
    },
    get running() {
      return timer !== null
    },
  }
}
