import type { RpcError } from './contract'

/** What a console call returns over either transport: data, or an error safe to show. */
export type RpcResult = { ok: true; data: unknown } | { ok: false; error: RpcError }
