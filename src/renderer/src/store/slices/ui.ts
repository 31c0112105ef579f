import type { Slice } from '../types'

export type Theme = 'light' | 'dark' | 'system'

/** Where the console is: a screen id from navigation.tsx and an optional parameter. */
export interface Route {
  screen: string
  param?: string
}

export interface ConfirmRequest {
  title: string
  /** Names the consequence: what will happen and whether it can be undone. */
  description: string
  confirmLabel: string
  destructive?: boolean
}

export interface UiSlice {
  route: Route
  navigate(screen: string, param?: string): void
  theme: Theme
  setTheme(t: Theme): void
  paletteOpen: boolean
  setPaletteOpen(open: boolean): void
  shortcutsOpen: boolean
  setShortcutsOpen(open: boolean): void
  confirmRequest: (ConfirmRequest & { resolve(ok: boolean): void }) | null
  /** Asks once, in a dialog; resolves true when the user confirmed. */
  confirm(req: ConfirmRequest): Promise<boolean>
  answerConfirm(ok: boolean): void
}

const THEME_KEY = 'keywarden.theme'

export function parseHash(hash: string): Route {
  const [screen, ...rest] = hash.replace(/^#\/?/, '').split('/')
  return {
    screen: screen || 'dashboard',
    param: rest.length ? decodeURIComponent(rest.join('/')) : undefined,
  }
}

function readTheme(): Theme {
  const t = localStorage.getItem(THEME_KEY)
  return t === 'light' || t === 'dark' ? t : 'system'
}

/** Applies a theme to <html>: 'system' follows the OS setting. */
export function applyTheme(t: Theme): void {
  const dark =
    t === 'dark' || (t === 'system' && window.matchMedia('(prefers-color-scheme: dark)').matches)
  document.documentElement.classList.toggle('dark', dark)
}

/** Navigation (kept in the URL hash so reloads and the back button work), theme, dialogs. */
export const createUiSlice: Slice<UiSlice> = (set, get) => ({
  route: parseHash(window.location.hash),
  navigate(screen, param) {
    const hash = `#/${screen}${param ? `/${encodeURIComponent(param)}` : ''}`
    if (window.location.hash !== hash) window.history.pushState(null, '', hash)
    set({ route: { screen, param }, paletteOpen: false })
  },
  theme: readTheme(),
  setTheme(theme) {
    localStorage.setItem(THEME_KEY, theme)
    applyTheme(theme)
    set({ theme })
  },
  paletteOpen: false,
  setPaletteOpen: (paletteOpen) => set({ paletteOpen }),
  shortcutsOpen: false,
  setShortcutsOpen: (shortcutsOpen) => set({ shortcutsOpen }),
  confirmRequest: null,
  confirm(req) {
    get().confirmRequest?.resolve(false)
    return new Promise<boolean>((resolve) => set({ confirmRequest: { ...req, resolve } }))
  },
  answerConfirm(ok) {
    get().confirmRequest?.resolve(ok)
    set({ confirmRequest: null })
  },
})
