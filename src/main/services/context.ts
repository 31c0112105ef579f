import type { EventEmitter } from 'node:events'
import type { ChangeFeed, Db, StatementRunner, TxRunner } from '../db/connection'
import type { Role } from '../db/schema'
import type { SecretBox } from '../crypto/seal'

/** Who is asking. Services scope what an actor may see and change; adapters build actors. */
export type Actor =
  | { kind: 'console' } // the desktop console (or the headless console's setup token): the installation's owner
  | { kind: 'account'; accountId: string; role: Role }
  | { kind: 'system' } // background jobs (expiry sweeps, webhook delivery)

export const CONSOLE: Actor = { kind: 'console' }
export const SYSTEM: Actor = { kind: 'system' }

/** True when the actor may see every account's data (console, system, owner and admin roles). */
export function seesAll(actor: Actor): boolean {
  return actor.kind !== 'account' || actor.role !== 'user'
}

/** The account that new records created by this actor belong to (null = the installation). */
export function ownerOf(actor: Actor): string | null {
  return actor.kind === 'account' ? actor.accountId : null
}

export type Clock = () => Date

/** What every service is built from. No Electron, no globals: the server can move threads. */
export interface ServiceContext {
  /** Reads and single statements outside a transaction; repositories take it (or `trx`) first. */
  db: Db
  /** Every write that must be atomic: `ctx.tx(async (trx) => ...)`. Work may run again (TxRunner). */
  tx: TxRunner
  /** A write of one statement (an event, a counter): `tx` on SQLite, autocommit on PostgreSQL. */
  write: StatementRunner
  /** Tells whether anything was written since a row was read (see ChangeFeed). */
  changes: ChangeFeed
  dataDir: string
  /** Seals and opens the secrets the database keeps (under master.key). */
  secrets: SecretBox
  clock: Clock
  /** In-process pushes (new events, status changes) for the console and webhooks. */
  bus: EventEmitter
}

export function nowIso(ctx: Pick<ServiceContext, 'clock'>): string {
  return ctx.clock().toISOString()
}
