import { toast } from 'sonner'
import type { Channel, InputOf, OutputOf, ServerEvents } from '@shared/contract'
import { bridge } from '../bridge'

/**
 * The only door from the renderer to the server. Store slices call these; components call
 * slice actions (never the bridge), so every screen shares loading/error handling.
 */
export function call<C extends Channel>(channel: C, input: InputOf<C>): Promise<OutputOf<C>> {
  return bridge.invoke(channel, input)
}

export function subscribe<E extends keyof ServerEvents>(
  event: E,
  listener: (payload: ServerEvents[E]) => void,
): () => void {
  return bridge.on(event, listener)
}

/** The message to show for a failed call: the server's own wording when it has one. */
export function errorMessage(e: unknown): string {
  if (e instanceof Error && e.message) return e.message
  return 'Something went wrong'
}

/**
 * Runs a server call for a user action: toasts `success` when it worked and the server's
 * error when it did not. Resolves to undefined on failure so callers can branch without try.
 */
export async function act<T>(
  p: Promise<T>,
  success?: string | ((v: T) => string),
): Promise<T | undefined> {
  try {
    const v = await p
    if (success) toast.success(typeof success === 'function' ? success(v) : success)
    return v
  } catch (e) {
    toast.error(errorMessage(e))
    return undefined
  }
}
