import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron'
import type { ServerEvents } from '@shared/contract'
import type { Handlers } from '../rpc/handlers'
import { dispatch } from '../rpc/dispatch'
import { CONSOLE } from '../services/context'
import type { RpcResult } from '@shared/rpc'

/**
 * Registers the one `rpc` channel on ipcMain. Only our own renderer's frame may call it
 * (a navigated-away or embedded frame gets FORBIDDEN); the input is validated by the
 * contract inside `dispatch`, as for HTTP.
 */
export function registerIpc(
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>,
  handlers: Handlers,
  isTrustedSender: (url: string) => boolean,
  onUnexpected: (e: unknown) => void,
): () => void {
  ipcMain.handle(
    'rpc',
    async (event: IpcMainInvokeEvent, channel: unknown, input: unknown): Promise<RpcResult> => {
      const url = event.senderFrame?.url ?? ''
      if (!isTrustedSender(url) || typeof channel !== 'string') {
        return { ok: false, error: { code: 'FORBIDDEN', message: 'Untrusted sender' } }
      }
      return dispatch(handlers, channel, input, { actor: CONSOLE }, onUnexpected)
    },
  )
  return () => ipcMain.removeHandler('rpc')
}

/** Sends a push to the renderer, if it is still there. */
export function push<E extends keyof ServerEvents>(
  contents: WebContents | undefined,
  event: E,
  payload: ServerEvents[E],
): void {
  if (contents && !contents.isDestroyed()) contents.send(`push:${event}`, payload)
}
