import type { MenuItemConstructorOptions } from 'electron'
import type { ServerStatus } from '@shared/dto'

export interface TrayActions {
  open(): void
  copyUrl(url: string): void
  quit(): void
}

/** The tray menu for a server status: what it shows is decided here, testable without Electron. */
export function buildTrayMenu(
  status: ServerStatus,
  actions: TrayActions,
): MenuItemConstructorOptions[] {
  return [
    { label: status.up ? `Server running on ${status.url}` : 'Server stopped', enabled: false },
    { type: 'separator' },
    { label: 'Open console', click: () => actions.open() },
    {
      label: 'Copy server URL',
      enabled: status.url !== null,
      click: () => status.url && actions.copyUrl(status.url),
    },
    { type: 'separator' },
    { label: 'Quit Keywarden', click: () => actions.quit() },
  ]
}
