/**
 * The console's root: login (browser only), then the shell — sidebar, the current screen,
 * command palette, shortcuts, toasts and the confirmation dialog.
 *
 * To add a screen, see the recipe at the top of navigation.tsx. In short: a component in
 * screens/<area>/, a slice in store/slices/<area>.ts (the only place that calls the server),
 * and one entry in SCREENS. Routing is the URL hash (#/<screen>/<param>).
 */
import { useEffect } from 'react'
import { Toaster } from 'sonner'
import { useApp } from './store'
import { applyTheme, parseHash } from './store/slices/ui'
import { findScreen } from './navigation'
import { Sidebar } from './components/shell/sidebar'
import { CommandPalette } from './components/shell/palette'
import { ShortcutsDialog, useGlobalShortcuts } from './components/shell/shortcuts'
import { LoginScreen } from './components/shell/login'
import { ConfirmHost } from './components/ui/confirm'
import { ErrorBoundary } from './components/ui/error-boundary'
import { SkeletonRows } from './components/ui/skeleton'

function Shell() {
  const route = useApp((s) => s.route)
  useGlobalShortcuts()
  useEffect(() => {
    const s = useApp.getState()
    void s.loadServer()
    void s.loadProducts()
    void s.loadActivity()
    const offs = [s.watchServer(), s.watchActivity(), s.watchSeats()]
    return () => offs.forEach((off) => off())
  }, [])
  const screen = findScreen(route.screen)
  return (
    <div className="flex h-full">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:z-50 focus:m-2 focus:rounded focus:bg-surface focus:p-2"
      >
        Skip to content
      </a>
      <Sidebar />
      <main
        id="main"
        tabIndex={-1}
        className="min-w-0 flex-1 overflow-y-auto focus:outline-none"
        aria-label={screen.label}
      >
        <ErrorBoundary resetKey={route.screen + (route.param ?? '')}>
          {screen.render(route.param)}
        </ErrorBoundary>
      </main>
      <CommandPalette />
      <ShortcutsDialog />
    </div>
  )
}

export function App() {
  const auth = useApp((s) => s.auth)
  const theme = useApp((s) => s.theme)

  useEffect(() => {
    applyTheme(theme)
    if (theme !== 'system') return
    const mq = window.matchMedia('(prefers-color-scheme: dark)')
    const onChange = () => applyTheme('system')
    mq.addEventListener('change', onChange)
    return () => mq.removeEventListener('change', onChange)
  }, [theme])

  useEffect(() => {
    void useApp.getState().checkSession()
    const onPop = () => {
      const r = parseHash(window.location.hash)
      useApp.setState({ route: r })
    }
    window.addEventListener('popstate', onPop)
    return () => window.removeEventListener('popstate', onPop)
  }, [])

  return (
    <ErrorBoundary>
      {auth === 'in' ? <Shell /> : auth === 'out' ? <LoginScreen /> : <SkeletonRows rows={3} />}
      <ConfirmHost />
      <Toaster
        position="bottom-right"
        theme={theme}
        closeButton
        toastOptions={{
          classNames: { toast: '!bg-surface !text-fg !border-line', description: '!text-muted' },
        }}
      />
    </ErrorBoundary>
  )
}
