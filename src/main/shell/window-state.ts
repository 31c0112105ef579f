import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import type { BrowserWindow, Rectangle } from 'electron'

export interface WindowState {
  x?: number
  y?: number
  width: number
  height: number
  maximized: boolean
}

export const DEFAULT_STATE: WindowState = { width: 1280, height: 800, maximized: false }
const MIN = { width: 960, height: 600 }

/** Reads the saved state; anything unreadable or implausible gives the default size. */
export function readWindowState(file: string): WindowState {
  try {
    const s = JSON.parse(readFileSync(file, 'utf8')) as Partial<WindowState>
    const num = (v: unknown) =>
      typeof v === 'number' && Number.isFinite(v) ? Math.round(v) : undefined
    const width = num(s.width)
    const height = num(s.height)
    if (!width || !height) return { ...DEFAULT_STATE }
    return {
      x: num(s.x),
      y: num(s.y),
      width: Math.max(MIN.width, width),
      height: Math.max(MIN.height, height),
      maximized: s.maximized === true,
    }
  } catch {
    return { ...DEFAULT_STATE }
  }
}

/**
 * Keeps a saved position only if the window would still be visible on one of today's displays
 * (a monitor may have been unplugged since); otherwise the OS centres it.
 */
export function fitToDisplays(state: WindowState, workAreas: Rectangle[]): WindowState {
  if (state.x === undefined || state.y === undefined) return state
  const { x, y, width } = state
  // The title bar (top 40 px, at least 100 px of it) must land inside a work area.
  const visible = workAreas.some(
    (a) =>
      y >= a.y &&
      y + 40 <= a.y + a.height &&
      Math.min(x + width, a.x + a.width) - Math.max(x, a.x) >= 100,
  )
  return visible ? state : { width: state.width, height: state.height, maximized: state.maximized }
}

/**
 * Remembers the window's size, position and maximized state in a small JSON file
 * (userData/window-state.json), written when the window moves or resizes (debounced) and
 * when it closes.
 */
export function trackWindowState(win: BrowserWindow, file: string, debounceMs = 400): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null
  const save = () => {
    if (timer) clearTimeout(timer)
    timer = null
    if (win.isDestroyed()) return
    const maximized = win.isMaximized()
    // While maximized, keep the normal bounds so un-maximizing next time restores them.
    const b = maximized ? win.getNormalBounds() : win.getBounds()
    const state: WindowState = { x: b.x, y: b.y, width: b.width, height: b.height, maximized }
    try {
      mkdirSync(dirname(file), { recursive: true })
      writeFileSync(file, JSON.stringify(state))
    } catch {
      // Not being able to remember the window is never worth an error dialog.
    }
  }
  const later = () => {
    if (timer) clearTimeout(timer)
    timer = setTimeout(save, debounceMs)
  }
  const events = ['resize', 'move', 'maximize', 'unmaximize'] as const
  for (const e of events) win.on(e as 'resize', later)
  win.on('close', save)
  return () => {
    if (timer) clearTimeout(timer)
    for (const e of events) win.removeListener(e as 'resize', later)
    win.removeListener('close', save)
  }
}
