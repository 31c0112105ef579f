import { Command, KeyRound, LogOut } from 'lucide-react'
import { SCREENS, type ScreenDef } from '../../navigation'
import { useApp } from '../../store'
import { cn } from '../ui/cn'
import { ServerIndicator } from './server-indicator'

const GROUPS: ScreenDef['group'][] = ['Overview', 'Licensing', 'Commerce', 'Protection', 'System']

/** The navigation: every screen by group, the server's status, and the palette hint. */
export function Sidebar() {
  const current = useApp((s) => s.route.screen)
  const navigate = useApp((s) => s.navigate)
  const transport = useApp((s) => s.transport)
  const logout = useApp((s) => s.logout)
  const openPalette = useApp((s) => s.setPaletteOpen)

  return (
    <nav aria-label="Main" className="flex w-60 shrink-0 flex-col border-r border-line bg-surface">
      <div className="flex items-center gap-2 px-4 py-4">
        <div className="rounded-md bg-accent p-1.5 text-accent-fg">
          <KeyRound aria-hidden="true" size={16} />
        </div>
        <span className="text-[15px] font-semibold tracking-tight">Keywarden</span>
      </div>
      <button
        type="button"
        onClick={() => openPalette(true)}
        className="mx-3 mb-3 flex items-center justify-between rounded-md border border-line px-3 py-1.5 text-[13px] text-muted hover:bg-surface-2"
      >
        <span className="flex items-center gap-2">
          <Command aria-hidden="true" size={14} /> Jump to…
        </span>
        <kbd className="rounded border border-line px-1 text-[11px] whitespace-nowrap">Ctrl K</kbd>
      </button>
      <div className="flex-1 overflow-y-auto px-2">
        {GROUPS.map((g) => {
          const items = SCREENS.filter((s) => s.group === g)
          if (!items.length) return null
          return (
            <div key={g} className="mb-3">
              <div className="px-2 pb-1 text-[11px] font-semibold tracking-wide text-muted uppercase">
                {g}
              </div>
              <ul>
                {items.map((s) => {
                  const active = s.id === current
                  return (
                    <li key={s.id}>
                      <a
                        href={`#/${s.id}`}
                        aria-current={active ? 'page' : undefined}
                        onClick={(e) => {
                          e.preventDefault()
                          navigate(s.id)
                        }}
                        className={cn(
                          'flex items-center gap-2.5 rounded-md px-2 py-1.5 text-sm',
                          active
                            ? 'bg-accent-soft font-medium text-accent'
                            : 'text-fg hover:bg-surface-2',
                        )}
                      >
                        <s.icon aria-hidden="true" size={16} />
                        {s.label}
                      </a>
                    </li>
                  )
                })}
              </ul>
            </div>
          )
        })}
      </div>
      <div className="border-t border-line p-3">
        <ServerIndicator />
        {transport === 'http' && (
          <button
            type="button"
            onClick={() => void logout()}
            className="mt-2 flex w-full items-center gap-2 rounded-md px-2 py-1.5 text-[13px] text-muted hover:bg-surface-2"
          >
            <LogOut aria-hidden="true" size={14} /> Log out
          </button>
        )}
      </div>
    </nav>
  )
}
