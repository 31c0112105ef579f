import { Command } from 'cmdk'
import { Dialog as D } from 'radix-ui'
import { KeyRound, Moon, Sun } from 'lucide-react'
import { useEffect, useState } from 'react'
import type { LicenseDto } from '@shared/dto'
import { SCREENS } from '../../navigation'
import { useApp } from '../../store'

const item =
  'flex cursor-pointer items-center gap-2 rounded-md px-3 py-2 text-sm data-[selected=true]:bg-accent-soft data-[selected=true]:text-accent'

/** Ctrl/Cmd+K: jump to any screen, or to a license by its key (or customer, or metadata). */
export function CommandPalette() {
  const open = useApp((s) => s.paletteOpen)
  const setOpen = useApp((s) => s.setPaletteOpen)
  const navigate = useApp((s) => s.navigate)
  const findLicenses = useApp((s) => s.findLicenses)
  const showLicense = useApp((s) => s.showLicense)
  const setTheme = useApp((s) => s.setTheme)
  const [q, setQ] = useState('')
  const [found, setFound] = useState<LicenseDto[]>([])

  useEffect(() => {
    if (!open) return
    const text = q.trim()
    if (text.length < 3) return
    let live = true
    const t = setTimeout(() => void findLicenses(text).then((ls) => live && setFound(ls)), 150)
    return () => {
      live = false
      clearTimeout(t)
    }
  }, [q, open, findLicenses])

  const close = () => {
    setOpen(false)
    setQ('')
    setFound([])
  }

  return (
    <D.Root open={open} onOpenChange={(o) => (o ? setOpen(true) : close())}>
      <D.Portal>
        <D.Overlay className="fixed inset-0 z-40 bg-black/40" />
        <D.Content className="fixed top-[15vh] left-1/2 z-50 w-[min(600px,calc(100vw-2rem))] -translate-x-1/2 overflow-hidden rounded-lg border border-line bg-surface shadow-2xl">
          <D.Title className="sr-only">Command palette</D.Title>
          <D.Description className="sr-only">Type a screen name or a license key</D.Description>
          <Command label="Command palette" shouldFilter={true}>
            <Command.Input
              value={q}
              onValueChange={setQ}
              placeholder="Jump to a screen, or type a license key…"
              className="w-full border-b border-line bg-transparent px-4 py-3 text-sm outline-none placeholder:text-muted"
            />
            <Command.List className="max-h-80 overflow-y-auto p-2">
              <Command.Empty className="px-3 py-6 text-center text-sm text-muted">
                Nothing matches “{q}”.
              </Command.Empty>
              <Command.Group
                heading="Screens"
                className="text-xs text-muted [&_[cmdk-group-heading]]:px-3 [&_[cmdk-group-heading]]:py-1"
              >
                {SCREENS.map((s) => (
                  <Command.Item
                    key={s.id}
                    value={`${s.label} ${s.keywords?.join(' ') ?? ''}`}
                    onSelect={() => (navigate(s.id), close())}
                    className={item}
                  >
                    <s.icon aria-hidden="true" size={15} /> {s.label}
                  </Command.Item>
                ))}
              </Command.Group>
              {found.length > 0 && q.trim().length >= 3 && (
                <Command.Group
                  heading="Licenses"
                  className="text-xs text-muted [&_[cmdk-group-heading]]:px-3 [&_[cmdk-group-heading]]:py-1"
                >
                  {found.map((l) => (
                    <Command.Item
                      key={l.id}
                      value={`${l.license_key} ${l.customer_email ?? ''} ${q}`}
                      onSelect={() => {
                        navigate('licenses')
                        void showLicense(l.id)
                        close()
                      }}
                      className={item}
                    >
                      <KeyRound aria-hidden="true" size={15} />
                      <span className="font-mono">{l.license_key}</span>
                      <span className="ml-auto text-xs text-muted">{l.product_name}</span>
                    </Command.Item>
                  ))}
                </Command.Group>
              )}
              <Command.Group
                heading="Appearance"
                className="text-xs text-muted [&_[cmdk-group-heading]]:px-3 [&_[cmdk-group-heading]]:py-1"
              >
                <Command.Item
                  value="light theme"
                  onSelect={() => (setTheme('light'), close())}
                  className={item}
                >
                  <Sun aria-hidden="true" size={15} /> Light theme
                </Command.Item>
                <Command.Item
                  value="dark theme"
                  onSelect={() => (setTheme('dark'), close())}
                  className={item}
                >
                  <Moon aria-hidden="true" size={15} /> Dark theme
                </Command.Item>
              </Command.Group>
            </Command.List>
          </Command>
        </D.Content>
      </D.Portal>
    </D.Root>
  )
}
