import type { z } from 'zod'
import type { Services } from '../../services'
import type { Actor } from '../../services/context'
import type { ServerStatus } from '@shared/dto'
import type { DesktopSettings } from '@shared/channels/system'
import type { ChannelDef } from '@shared/channels/channel'

export interface CallContext {
  actor: Actor
}

export interface HandlerDeps {
  services: Services
  /** Live status of the embedded server (the shell knows whether and where it listens). */
  serverStatus: () => ServerStatus
  /** Rebinds the HTTP server (Settings → Server); absent where the shell does not allow it. */
  listen?: (host: string, port: number) => Promise<ServerStatus>
  /** Desktop-only settings (start at login, notifications); absent in the headless server. */
  desktop?: DesktopHooks
}

export interface DesktopHooks {
  get(): DesktopSettings
  set(patch: Partial<DesktopSettings>): DesktopSettings
  /** Where the desktop app writes its rotating log files (Settings → About shows it). */
  logDir?: string
  /** Opens `logDir` in the file manager. */
  openLogFolder?(): Promise<void>
  /** Asks where to save a file (the save dialog, `name` proposed); null when cancelled. */
  chooseSavePath?(name: string): Promise<string | null>
}

/**
 * The handlers for one domain's channel map: parsed input in, the declared output out. Only
 * channels that declare an audience (`ChannelDef`) can be given handlers.
 */
export type HandlersFor<M extends Record<string, ChannelDef>> = {
  [C in keyof M]: (input: z.output<M[C]['input']>, cx: CallContext) => Promise<M[C]['output']>
}
