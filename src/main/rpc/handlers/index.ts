import { contract, type Contract } from '@shared/contract'
import { registerChannels } from '../audience'
import type { HandlerDeps, HandlersFor } from './types'
import { coreHandlers } from './core'
import { apiKeyHandlers } from './apikeys'
import { securityHandlers } from './security'
import { webhookHandlers } from './webhooks'
import { accountHandlers } from './accounts'
import { consoleHandlers } from './console'
import { storeHandlers } from './store'
import { runtimeRuleHandlers } from './runtime-rules'
import { hirezHandlers } from './hirez'
import { licenseFileHandlers } from './license-files'
import { licenseViewHandlers } from './license-views'

export type { CallContext, HandlerDeps } from './types'
export type Handlers = HandlersFor<Contract>

/**
 * Every console channel, implemented once over the services. The IPC adapter (desktop) and
 * the HTTP adapter (headless console, browser-mode tests) both call exactly these. Each
 * domain's handlers live in their own file, composed here; a channel without an audience
 * (or without a handler) stops start-up, naming it.
 */
export function createHandlers(deps: HandlerDeps): Handlers {
  return registerChannels(contract, {
    ...coreHandlers(deps),
    ...apiKeyHandlers(deps),
    ...securityHandlers(deps),
    ...webhookHandlers(deps),
    ...accountHandlers(deps),
    ...consoleHandlers(deps),
    ...storeHandlers(deps),
    ...runtimeRuleHandlers(deps),
    ...hirezHandlers(deps),
    ...licenseFileHandlers(deps),
    ...licenseViewHandlers(deps),
  })
}
