import {
  app,
  BrowserWindow,
  clipboard,
  dialog,
  ipcMain,
  Menu,
  nativeImage,
  screen,
  session,
  shell,
  Tray,
} from 'electron'
import { join } from 'node:path'
import { resolveDataDir, startRuntime, type Runtime } from './runtime'
import { registerIpc, push } from './ipc'
import { CONSOLE } from './services/context'
import { DEFAULT_PORT } from './http/server'
import {
  createTrustedSender,
  denyPermissions,
  hardenWindow,
  rendererDevUrl,
} from './shell/security'
import { buildTrayMenu } from './shell/tray'
import { fitToDisplays, readWindowState, trackWindowState } from './shell/window-state'
import { createSecurityNotifier } from './shell/notify'
import { createDesktopHooks } from './shell/login-item'
import { createUpdateChecker } from './shell/updater'
import { envPort } from './shell/env'
import { openLogFile } from './shell/log-file'
import { parseLogLevel, type LogLevel } from './http/observability/logging'
import { boundHeapGrowth } from './heap'
import type { EventDto, ServerStatus } from '@shared/dto'

/**
 * The desktop shell: one instance, one window, the embedded server running from launch to
 * quit (also while the window is closed to the tray). All rules live in services.
 */
let runtime: Runtime | null = null
let win: BrowserWindow | null = null
let tray: Tray | null = null
let quitting = false
let startHidden = process.argv.includes('--hidden')

// The dev server only in development: a packaged app never loads a page named by the env.
const rendererUrl = rendererDevUrl(process.env, app.isPackaged)
const rendererFile = join(import.meta.dirname, '../renderer/index.html')
const isTrustedSender = createTrustedSender(rendererUrl, rendererFile)

function createWindow(): BrowserWindow {
  const stateFile = join(app.getPath('userData'), 'window-state.json')
  const state = fitToDisplays(
    readWindowState(stateFile),
    screen.getAllDisplays().map((d) => d.workArea),
  )
  const w = new BrowserWindow({
    x: state.x,
    y: state.y,
    width: state.width,
    height: state.height,
    minWidth: 960,
    minHeight: 600,
    show: false,
    title: 'Keywarden',
    backgroundColor: '#0b0f17',
    webPreferences: {
      preload: join(import.meta.dirname, '../preload/index.cjs'),
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      webSecurity: true,
    },
  })
  if (state.maximized) w.maximize()
  trackWindowState(w, stateFile)
  hardenWindow(w.webContents, isTrustedSender, (url) => void shell.openExternal(url))
  // Started at login (--hidden): serve from the tray until the vendor opens the window.
  w.once('ready-to-show', () => {
    if (!startHidden) w.show()
  })
  w.on('close', (e) => {
    // Closing the window keeps the server running in the tray; Quit stops it.
    if (!quitting) {
      e.preventDefault()
      w.hide()
    }
  })
  if (rendererUrl) void w.loadURL(rendererUrl)
  else void w.loadFile(rendererFile)
  return w
}

function showWindow(): void {
  startHidden = false
  if (!win || win.isDestroyed()) win = createWindow()
  win.show()
  win.focus()
}

function refreshTray(status: ServerStatus): void {
  if (!tray) return
  tray.setToolTip(status.up ? `Keywarden — ${status.url}` : 'Keywarden — server stopped')
  tray.setContextMenu(
    Menu.buildFromTemplate(
      buildTrayMenu(status, {
        open: showWindow,
        copyUrl: (url) => clipboard.writeText(url),
        quit: () => app.quit(),
      }),
    ),
  )
}

/** KEYWARDEN_LOG_LEVEL for the desktop app: a wrong value logs at 'info' (said once). */
function desktopLogLevel(text: string | undefined): LogLevel {
  try {
    return parseLogLevel(text)
  } catch (e) {
    console.error(`${(e as Error).message}; logging at info`)
    return 'info'
  }
}

async function boot(): Promise<void> {
  denyPermissions(session.defaultSession, isTrustedSender)
  const dataDir = resolveDataDir(process.env.KEYWARDEN_DATA ? undefined : app.getPath('userData'))
  const logDir = join(app.getPath('userData'), 'logs')
  // Settings → Desktop → "Check for updates automatically": on by default once packaged.
  const updates = createUpdateChecker()
  const desktop = {
    ...createDesktopHooks(join(app.getPath('userData'), 'desktop.json'), undefined, {
      autoUpdateDefault: app.isPackaged,
      onAutoUpdate: (on) => updates.apply(on),
    }),
    logDir,
    async openLogFolder() {
      const failure = await shell.openPath(logDir)
      if (failure) throw new Error(`Could not open ${logDir}: ${failure}`)
    },
    // Licenses → Export: the filtered set is streamed into the file chosen here.
    async chooseSavePath(name: string) {
      const defaultPath = join(app.getPath('downloads'), name)
      const ext = name.slice(name.lastIndexOf('.') + 1)
      const options = { defaultPath, filters: [{ name: ext.toUpperCase(), extensions: [ext] }] }
      const r = win
        ? await dialog.showSaveDialog(win, options)
        : await dialog.showSaveDialog(options)
      return r.canceled || !r.filePath ? null : r.filePath
    },
  }
  boundHeapGrowth()
  runtime = await startRuntime({
    dataDir,
    host: '127.0.0.1',
    port: envPort(process.env.KEYWARDEN_PORT, DEFAULT_PORT),
    desktop,
    logLevel: desktopLogLevel(process.env.KEYWARDEN_LOG_LEVEL),
    logDestination: openLogFile(logDir),
  })
  registerIpc(ipcMain, runtime.handlers, isTrustedSender, (e) => console.error(e))
  const notify = createSecurityNotifier(showWindow)
  // The desktop window is the installation's console: the same filtered stream as the web one.
  runtime.services.events.subscribe(
    () => CONSOLE,
    (e: EventDto) => {
      push(win?.webContents, 'events.new', e)
      if (desktop.notifyCritical()) notify(e)
    },
  )
  runtime.services.bus.on('server.status', (s: ServerStatus) => {
    push(win?.webContents, 'server.status', s)
    refreshTray(s)
  })
  // macOS starts login items without arguments: ask whether this launch was one.
  if (process.platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin)
    startHidden = true
  tray = new Tray(nativeImage.createFromPath(join(import.meta.dirname, '../../resources/icon.png')))
  tray.on('click', showWindow)
  refreshTray(runtime.status())
  win = createWindow()
  updates.apply(desktop.autoUpdate())
}

if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  app.on('second-instance', showWindow)
  app.on('activate', showWindow)
  app.on('window-all-closed', () => {
    /* stay in the tray */
  })
  app.on('before-quit', (e) => {
    if (runtime) {
      e.preventDefault()
      quitting = true
      const r = runtime
      runtime = null
      void r.close().finally(() => app.quit())
    } else {
      quitting = true
    }
  })
  void app
    .whenReady()
    .then(boot)
    .catch((e: unknown) => {
      // A damaged data folder (preflight) or a taken port: one line, shown, never a stack.
      const why = e instanceof Error ? e.message : String(e)
      console.error(`Keywarden could not start: ${why}`)
      dialog.showErrorBox('Keywarden could not start', why)
      app.exit(1)
    })
}
