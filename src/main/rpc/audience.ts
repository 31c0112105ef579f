import { AUDIENCES, type Audience } from '@shared/channels/channel'
import type { Actor } from '../services/context'

/**
 * Whether `actor` may call a channel declared for `audience`: the one rule both transports
 * (IPC and the web console's HTTP RPC) go through, in `dispatch`. Unknown or missing
 * audiences allow nobody; background (`system`) actors never call the console.
 */
export function allows(audience: Audience | undefined, actor: Actor): boolean {
  if (actor.kind === 'system') return false
  switch (audience) {
    case 'admin':
      return actor.kind === 'console' || actor.role === 'owner' || actor.role === 'admin'
    case 'user':
    case 'session':
      return true
    default:
      return false
  }
}

/** The refusal text: names the channel and who may call it. */
export function refusal(channel: string, audience: Audience | undefined): string {
  return audience === 'admin'
    ? `${channel} is for admins of this installation`
    : `${channel} is not open to this session`
}

type Declared = Record<string, { input: unknown; audience?: unknown }>

/**
 * The start-up check behind `createHandlers`: every channel declares an audience and has a
 * handler, and no handler answers a channel the contract does not declare. Throws naming the
 * channel, so an undeclared channel stops the server instead of registering open.
 */
export function registerChannels<H extends Record<string, unknown>>(
  contract: Declared,
  handlers: H,
): H {
  for (const [name, def] of Object.entries(contract)) {
    if (!AUDIENCES.includes(def.audience as Audience)) {
      throw new Error(
        `Console channel ${name} declares no audience: use channel(schema).for('admin' | 'user' | 'session')`,
      )
    }
    if (typeof handlers[name] !== 'function') {
      throw new Error(`Console channel ${name} has no handler`)
    }
  }
  for (const name of Object.keys(handlers)) {
    if (!Object.prototype.hasOwnProperty.call(contract, name)) {
      throw new Error(`Handler ${name} answers no channel of the contract`)
    }
  }
  return handlers
}
