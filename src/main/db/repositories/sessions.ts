import type { Executor } from '../types'
import type { Session } from '../schema'
import { prepared } from '../prepared'

type NewSession = Omit<Session, 'revoked_at' | 'revoked_reason'>
/** The columns of a new session, in the order of the compiled insert's parameters. */
const SESSION_COLUMNS = [
  'id',
  'license_id',
  'machine_id',
  'token_hash',
  'nonce',
  'protocol',
  'hwid',
  'ip',
  'user_agent',
  'created_at',
  'expires_at',
  'last_seen_at',
] as const satisfies readonly (keyof NewSession)[]

// Every activation opens a session: compiled once (prepared).
const insert = prepared((ex: Executor, ...values: NewSession[keyof NewSession][]) =>
  ex
    .insertInto('sessions')
    .values(Object.fromEntries(SESSION_COLUMNS.map((c, i) => [c, values[i]])) as NewSession),
)

export async function insertSession(ex: Executor, s: NewSession): Promise<void> {
  await insert(ex, ...SESSION_COLUMNS.map((c) => s[c]))
}

// Every heartbeat and SellRealm session check looks its session up: compiled once (prepared).
const byTokenHash = prepared((ex: Executor, tokenHash: string) =>
  ex.selectFrom('sessions').selectAll().where('token_hash', '=', tokenHash),
)
const byId = prepared((ex: Executor, id: string) =>
  ex.selectFrom('sessions').selectAll().where('id', '=', id),
)

export async function findSessionByTokenHash(
  ex: Executor,
  tokenHash: string,
): Promise<Session | undefined> {
  return (await byTokenHash(ex, tokenHash)).rows[0]
}

export async function findSessionById(ex: Executor, id: string): Promise<Session | undefined> {
  return (await byId(ex, id)).rows[0]
}

const rotate = prepared(
  (
    ex: Executor,
    id: string,
    oldHash: string,
    newHash: string,
    nonce: string | null,
    ip: string | null,
    now: string,
    expiresAt: string,
  ) =>
    ex
      .updateTable('sessions')
      .set({ token_hash: newHash, nonce, ip, last_seen_at: now, expires_at: expiresAt })
      .where('id', '=', id)
      .where('token_hash', '=', oldHash)
      .where('revoked_at', 'is', null),
)

/** Swaps the token (and nonce) and extends the session; false when it was revoked meanwhile. */
export async function rotateSession(
  ex: Executor,
  r: {
    id: string
    oldHash: string
    newHash: string
    nonce: string | null
    ip: string | null
    now: string
    expiresAt: string
  },
): Promise<boolean> {
  const res = await rotate(ex, r.id, r.oldHash, r.newHash, r.nonce, r.ip, r.now, r.expiresAt)
  return Number(res.numAffectedRows) === 1
}

/**
 * SellRealm check_session: swaps the nonce and extends the session only if `expected` is still
 * the current nonce, so a replayed (old) nonce changes nothing and two racing checks with the
 * same nonce cannot both succeed (on PostgreSQL the second UPDATE waits for the first's row
 * lock, then finds the nonce changed and matches nothing).
 */
export async function rotateNonce(
  ex: Executor,
  r: {
    id: string
    expected: string
    nonce: string
    ip: string | null
    now: string
    expiresAt: string
  },
): Promise<boolean> {
  const res = await swapNonce(ex, r.id, r.expected, r.nonce, r.ip, r.now, r.expiresAt)
  return Number(res.numAffectedRows) === 1
}

const swapNonce = prepared(
  (
    ex: Executor,
    id: string,
    expected: string,
    nonce: string,
    ip: string | null,
    now: string,
    expiresAt: string,
  ) =>
    ex
      .updateTable('sessions')
      .set({ nonce, ip, last_seen_at: now, expires_at: expiresAt })
      .where('id', '=', id)
      .where('nonce', '=', expected)
      .where('revoked_at', 'is', null),
)

export async function revokeSession(
  ex: Executor,
  id: string,
  reason: string,
  now: string,
): Promise<boolean> {
  const res = await ex
    .updateTable('sessions')
    .set({ revoked_at: now, revoked_reason: reason })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst()
  return Number(res.numUpdatedRows) === 1
}

const revokeOfMachine = prepared((ex: Executor, machineId: string, reason: string, now: string) =>
  ex
    .updateTable('sessions')
    .set({ revoked_at: now, revoked_reason: reason })
    .where('machine_id', '=', machineId)
    .where('revoked_at', 'is', null),
)

/** Closes every open session of a machine (deactivation, re-activation); returns how many. */
export async function revokeMachineSessions(
  ex: Executor,
  machineId: string,
  reason: string,
  now: string,
): Promise<number> {
  const r = await revokeOfMachine(ex, machineId, reason, now)
  return Number(r.numAffectedRows ?? 0)
}

/** Live sessions of a license at `now` (not revoked, not expired, heard from since `silentSince`). */
export async function countLiveSessions(
  ex: Executor,
  licenseId: string,
  now: string,
  silentSince: string,
  exceptMachineId: string | null,
): Promise<number> {
  let q = ex
    .selectFrom('sessions')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('license_id', '=', licenseId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .where('last_seen_at', '>', silentSince)
  if (exceptMachineId !== null) q = q.where('machine_id', 'is distinct from', exceptMachineId)
  const r = await q.executeTakeFirstOrThrow()
  return Number(r.n)
}
