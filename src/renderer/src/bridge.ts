import type { Bridge, Channel, InputOf, OutputOf, RpcError, ServerEvents } from '@shared/contract'
import type { RpcResult } from '@shared/rpc'

/** A console call the server refused; `code` is one of the shared error codes. */
export class RpcFailure extends Error {
  readonly code: string
  readonly issues?: RpcError['issues']
  constructor(error: RpcError) {
    super(error.message)
    this.name = 'RpcFailure'
    this.code = error.code
    this.issues = error.issues
  }
}

function unwrap<T>(r: RpcResult): T {
  if (!r.ok) throw new RpcFailure(r.error)
  return r.data as T
}

/** Desktop: the preload's IPC bridge. */
function ipcBridge(api: NonNullable<Window['keywarden']>): Bridge {
  return {
    invoke: async <C extends Channel>(channel: C, input: InputOf<C>) =>
      unwrap<OutputOf<C>>(await api.call(channel, input)),
    on: (event, listener) => api.on(event, listener),
  }
}

/** Browser (headless web console, browser-mode tests): the same calls over HTTP + SSE. */
export class HttpBridge implements Bridge {
  private csrf: string | null = null
  private source: EventSource | null = null
  private readonly listeners = new Map<string, Set<(p: unknown) => void>>()

  /**
   * Called when the server ended this session (password changed, account deactivated, the
   * setup token retired by the first account): the console goes back to its login screen.
   */
  onSessionEnded: ((message: string) => void) | null = null

  constructor(private readonly base = '/console') {}

  /** Restores an existing login (the cookie survives reloads); false when logged out. */
  async resume(): Promise<boolean> {
    const res = await fetch(`${this.base}/session`, { credentials: 'same-origin' })
    if (!res.ok) return false
    this.csrf = ((await res.json()) as { data: { csrf: string } }).data.csrf
    this.connectEvents()
    return true
  }

  async login(credentials: { token: string } | { email: string; password: string }): Promise<void> {
    const res = await fetch(`${this.base}/login`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(credentials),
    })
    this.csrf = unwrap<{ csrf: string }>((await res.json()) as RpcResult).csrf
    this.connectEvents()
  }

  /** Ends the console session on the server and stops the event stream. */
  async logout(): Promise<void> {
    this.source?.close()
    this.source = null
    await fetch(`${this.base}/logout`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'x-csrf-token': this.csrf ?? '' },
    })
    this.csrf = null
  }

  async invoke<C extends Channel>(channel: C, input: InputOf<C>): Promise<OutputOf<C>> {
    const res = await fetch(`${this.base}/rpc/${channel}`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', 'x-csrf-token': this.csrf ?? '' },
      body: JSON.stringify(input ?? {}),
    })
    let body: RpcResult
    try {
      body = (await res.json()) as RpcResult
    } catch {
      throw new RpcFailure({ code: 'INTERNAL_ERROR', message: `Server answered ${res.status}` })
    }
    if (res.status === 401 && !body.ok) {
      this.source?.close()
      this.source = null
      this.csrf = null
      this.onSessionEnded?.(body.error.message)
    }
    return unwrap<OutputOf<C>>(body)
  }

  on<E extends keyof ServerEvents>(
    event: E,
    listener: (payload: ServerEvents[E]) => void,
  ): () => void {
    let set = this.listeners.get(event)
    if (!set) this.listeners.set(event, (set = new Set()))
    const l = listener as (p: unknown) => void
    set.add(l)
    this.connectEvents()
    return () => set.delete(l)
  }

  private connectEvents(): void {
    if (this.source || !this.csrf) return
    this.source = new EventSource(`${this.base}/events`)
    for (const name of ['events.new', 'server.status'] as const) {
      this.source.addEventListener(name, (e) => {
        const payload: unknown = JSON.parse((e as MessageEvent<string>).data)
        for (const l of this.listeners.get(name) ?? []) l(payload)
      })
    }
  }
}

export const httpBridge: HttpBridge | null = window.keywarden ? null : new HttpBridge()

/** The transport the console uses; components never touch it (store slices do). */
export const bridge: Bridge = window.keywarden ? ipcBridge(window.keywarden) : httpBridge!
