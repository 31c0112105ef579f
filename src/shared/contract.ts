import type { z } from 'zod'
import type { EventDto, ServerStatus } from './dto'
import { coreChannels } from './channels/core'
import { apiKeyChannels } from './channels/apikeys'
import { securityChannels } from './channels/security'
import { webhookChannels } from './channels/webhooks'
import { accountChannels } from './channels/accounts'
import { consoleLicenseChannels } from './channels/console-licenses'
import { dashboardChannels } from './channels/dashboard'
import { systemChannels } from './channels/system'
import { transferChannels } from './channels/settings-console'
import { storeChannels } from './channels/store'
import { variablesChannels } from './channels/variables'
import { secretsChannels } from './channels/account'
import { runtimeRuleChannels } from './channels/runtime-rules'
import { hirezChannels } from './channels/hirez'
import { licenseFileChannels } from './channels/license-files'
import { licenseViewChannels } from './channels/license-views'
import { composeChannels } from './channels/compose'

/**
 * The console's one typed contract: channel -> input schema -> output type. Main registers a
 * handler for every channel once (src/main/rpc/handlers); the Electron preload and the
 * headless web console carry the same calls. Each domain declares its channels in
 * `channels/<domain>.ts` with who may call it (`channel(schema).for(audience)`); add a channel
 * there and TypeScript asks for its handler. A name declared twice does not compose.
 */
export const contract = composeChannels(
  coreChannels,
  apiKeyChannels,
  securityChannels,
  webhookChannels,
  accountChannels,
  consoleLicenseChannels,
  dashboardChannels,
  systemChannels,
  transferChannels,
  storeChannels,
  variablesChannels,
  secretsChannels,
  runtimeRuleChannels,
  hirezChannels,
  licenseFileChannels,
  licenseViewChannels,
)

/** Pushes from main to the console; `on()` returns an unsubscribe function. */
export interface ServerEvents {
  'events.new': EventDto
  'server.status': ServerStatus
}

export type Contract = typeof contract
export type Channel = keyof Contract
export type InputOf<C extends Channel> = z.input<Contract[C]['input']>
export type ParsedInputOf<C extends Channel> = z.output<Contract[C]['input']>
export type OutputOf<C extends Channel> = Contract[C]['output']
export type { Audience } from './channels/channel'

export const CHANNELS = Object.keys(contract) as Channel[]

export function isChannel(name: string): name is Channel {
  return Object.prototype.hasOwnProperty.call(contract, name)
}

/** What a transport (IPC or HTTP) exposes to the renderer. */
export interface Bridge {
  invoke<C extends Channel>(channel: C, input: InputOf<C>): Promise<OutputOf<C>>
  on<E extends keyof ServerEvents>(
    event: E,
    listener: (payload: ServerEvents[E]) => void,
  ): () => void
}

/** How an RPC failure crosses a transport: a code the console can act on and a message. */
export interface RpcError {
  code: string
  message: string
  issues?: { path: string; message: string }[]
}
