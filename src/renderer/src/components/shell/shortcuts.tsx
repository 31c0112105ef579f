import { useEffect } from 'react'
import { SCREENS } from '../../navigation'
import { useApp } from '../../store'
import { Modal } from '../ui/dialog'

function typing(e: KeyboardEvent): boolean {
  const t = e.target as HTMLElement | null
  return !!t && (t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName))
}

const mod = navigator.platform.toLowerCase().includes('mac') ? '⌘' : 'Ctrl'

export const SHORTCUTS: { keys: string; what: string }[] = [
  { keys: `${mod} K`, what: 'Open the command palette (screens, license keys)' },
  { keys: '?', what: 'Show this list' },
  { keys: '/', what: 'Search licenses (on the Licenses screen)' },
  { keys: 'n', what: 'New product or licenses (on their screens)' },
  ...SCREENS.filter((s) => s.key).map((s) => ({ keys: `g ${s.key}`, what: `Go to ${s.label}` })),
  { keys: '↑ ↓ / j k', what: 'Move between table rows (Home, End: first, last)' },
  { keys: 'Enter', what: 'Open the focused row' },
  { keys: 'Space', what: 'Select the focused row (tables with selection)' },
  { keys: '← →', what: "Move between a table header's sort buttons" },
  { keys: 'Esc', what: 'Close a dialog or the license drawer (focus returns to its row)' },
]

/** Global keys: palette, help, `g <key>` to jump, `/` to search, `n` for new. */
export function useGlobalShortcuts(): void {
  useEffect(() => {
    let gPressed = 0
    const onKey = (e: KeyboardEvent) => {
      const s = useApp.getState()
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'k') {
        e.preventDefault()
        s.setPaletteOpen(!s.paletteOpen)
        return
      }
      if (
        typing(e) ||
        e.ctrlKey ||
        e.metaKey ||
        e.altKey ||
        document.querySelector('[role=dialog],[role=alertdialog]')
      )
        return
      if (e.key === '?') {
        e.preventDefault()
        s.setShortcutsOpen(true)
      } else if (e.key === '/' || e.key === 'n') {
        const el = document.querySelector<HTMLElement>(
          e.key === '/' ? '[data-shortcut=search]' : '[data-shortcut=new]',
        )
        if (el) {
          e.preventDefault()
          if (e.key === '/') el.focus()
          else el.click()
        }
      } else if (e.key === 'g') {
        gPressed = Date.now()
      } else if (Date.now() - gPressed < 1200) {
        const target = SCREENS.find((x) => x.key === e.key)
        if (target) s.navigate(target.id)
        gPressed = 0
      }
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [])
}

export function ShortcutsDialog() {
  const open = useApp((s) => s.shortcutsOpen)
  const setOpen = useApp((s) => s.setShortcutsOpen)
  return (
    <Modal open={open} onOpenChange={setOpen} title="Keyboard shortcuts">
      <dl className="grid grid-cols-[auto_1fr] gap-x-6 gap-y-2 text-sm">
        {SHORTCUTS.map((k) => (
          <div key={k.keys} className="contents">
            <dt>
              <kbd className="rounded border border-line bg-surface-2 px-1.5 py-0.5 font-mono text-xs">
                {k.keys}
              </kbd>
            </dt>
            <dd className="text-muted">{k.what}</dd>
          </div>
        ))}
      </dl>
    </Modal>
  )
}
