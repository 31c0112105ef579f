import { Command, KeyRound, LogOut, PanelLeftClose, PanelLeftOpen } from 'lucide-react'
import { SCREENS, type ScreenDef } from '../../navigation'
import { useApp } from '../../store'
import { cn } from '../ui/cn'
import { useMedia, useStored, WIDE } from '../../lib/hooks'
import { ServerIndicator } from './server-indicator'

const GROUPS: ScreenDef['group'][] = ['Overview', 'Licensing', 'Commerce', 'Protection', 'System']

/**
 * The navigation: every screen by group, the server's status, and the palette hint. It folds
 * to icons (the toggle's choice is remembered; until one is made, a narrow window folds it).
 */
export function Sidebar() {
  const wide = useMedia(WIDE)
  const [choice, setChoice] = useStored<'open' | 'icons' | null>('keywarden.sidebar', null)
  const icons = choice ? choice === 'icons' : !wide
  const current = useApp((s) => s.route.screen)
  const navigate = useApp((s) => s.navigate)
  const transport = useApp((s) => s.transport)
  const logout = useApp((s) => s.logout)
  const openPalette = useApp((s) => s.setPaletteOpen)

  return (
    <nav
      aria-label="Main"
      data-collapsed={icons || undefined}
      className={cn(
        'flex shrink-0 flex-col border-r border-line bg-surface',
        icons ? 'w-14' : 'w-60',
      )}
    >
      <div className={cn('flex items-center gap-2 py-4', icons ? 'flex-col px-2' : 'px-4')}>
        <div className="rounded-md bg-accent p-1.5 text-accent-fg">
          <KeyRound aria-hidden="true" size={16} />
        </div>
        {!icons && <span className="text-[15px] font-semibold tracking-tight">Keywarden</span>}
        <button
          type="button"
          onClick={() => setChoice(icons ? 'open' : 'icons')}
          aria-label={icons ? 'Expand the sidebar' : 'Collapse the sidebar to icons'}
          aria-expanded={!icons}
          title={icons ? 'Expand the sidebar' : 'Collapse the sidebar'}
          className={cn('rounded-md p-1 text-muted hover:bg-surface-2', !icons && 'ml-auto')}
        >
          {icons ? (
            <PanelLeftOpen aria-hidden="true" size={16} />
          ) : (
            <PanelLeftClose aria-hidden="true" size={16} />
          )}
        </button>
      </div>
      <button
        type="button"
        onClick={() => openPalette(true)}
        aria-label={icons ? 'Jump to… (Ctrl K)' : undefined}
        title={icons ? 'Jump to… (Ctrl K)' : undefined}
        className={cn(
          'mb-3 flex items-center justify-between rounded-md border border-line text-[13px] text-muted hover:bg-surface-2',
          icons ? 'mx-2 justify-center py-1.5' : 'mx-3 px-3 py-1.5',
        )}
      >
        <span className="flex items-center gap-2">
          <Command aria-hidden="true" size={14} /> {!icons && 'Jump to…'}
        </span>
        {!icons && (
          <kbd className="rounded border border-line px-1 text-[11px] whitespace-nowrap">
            Ctrl K
          </kbd>
        )}
      </button>
      <div className="flex-1 overflow-y-auto px-2">
        {GROUPS.map((g) => {
          const items = SCREENS.filter((s) => s.group === g)
          if (!items.length) return null
          return (
            <div key={g} className="mb-3">
              {icons ? (
                <div aria-hidden="true" className="mx-2 mb-1 border-t border-line" />
              ) : (
                <div className="px-2 pb-1 text-[11px] font-semibold tracking-wide text-muted uppercase">
                  {g}
                </div>
              )}
              <ul>
                {items.map((s) => {
                  const active = s.id === current
                  return (
                    <li key={s.id}>
                      <a
                        href={`#/${s.id}`}
                        aria-current={active ? 'page' : undefined}
                        aria-label={icons ? s.label : undefined}
                        title={icons ? s.label : undefined}
                        onClick={(e) => {
                          e.preventDefault()
                          navigate(s.id)
                        }}
                        className={cn(
                          'flex items-center gap-2.5 rounded-md px-2 py-1.5 text-sm',
                          icons && 'justify-center',
                          active
                            ? 'bg-accent-soft font-medium text-accent'
                            : 'text-fg hover:bg-surface-2',
                        )}
                      >
                        <s.icon aria-hidden="true" size={16} />
                        {!icons && s.label}
                      </a>
                    </li>
                  )
                })}
              </ul>
            </div>
          )
        })}
      </div>
      <div className={cn('border-t border-line', icons ? 'p-2' : 'p-3')}>
        <ServerIndicator compact={icons} />
        {transport === 'http' && (
          <button
            type="button"
            onClick={() => void logout()}
            aria-label={icons ? 'Log out' : undefined}
            title={icons ? 'Log out' : undefined}
            className={cn(
              'mt-2 flex w-full items-center gap-2 rounded-md px-2 py-1.5 text-[13px] text-muted hover:bg-surface-2',
              icons && 'justify-center',
            )}
          >
            <LogOut aria-hidden="true" size={14} /> {!icons && 'Log out'}
          </button>
        )}
      </div>
    </nav>
  )
}
