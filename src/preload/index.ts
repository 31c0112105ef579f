import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import type { Channel, InputOf, ServerEvents } from '@shared/contract'
import type { RpcResult } from '@shared/rpc'

/**
 * The whole bridge: one typed call and one typed subscription. No raw ipcRenderer leaves
 * this file; main validates every call's input and checks the sender.
 */
const api = {
  call<C extends Channel>(channel: C, input: InputOf<C>): Promise<RpcResult> {
    return ipcRenderer.invoke('rpc', channel, input) as Promise<RpcResult>
  },
  on<E extends keyof ServerEvents>(event: E, listener: (payload: ServerEvents[E]) => void): () => void {
    const wrapped = (_e: IpcRendererEvent, payload: ServerEvents[E]) => listener(payload)
    ipcRenderer.on(`push:${event}`, wrapped)
    return () => {
      ipcRenderer.off(`push:${event}`, wrapped)
    }
  },
}

export type KeywardenApi = typeof api

contextBridge.exposeInMainWorld('keywarden', api)
