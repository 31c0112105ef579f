import { DomainError } from '@shared/errors'
import type { AccountDto, UpdateAccountInput } from '@shared/accounts'
import * as repo from '../../db/repositories/accounts'
import { type Actor, nowIso, type ServiceContext } from '../context'
import { toAccountDto } from './model'

/**
 * Applies an admin's change to an account, in one transaction: only the owner (or the
 * console) may touch the owner account; the last active admin cannot be demoted or
 * deactivated; deactivation bumps token_version so every token issued before dies.
 */
export async function applyAccountUpdate(
  ctx: ServiceContext,
  actor: Actor,
  id: string,
  input: UpdateAccountInput,
): Promise<AccountDto> {
  const now = nowIso(ctx)
  return ctx.db.transaction().execute(async (trx) => {
    const a = await repo.findAccountById(trx, id)
    if (!a) throw new DomainError('NOT_FOUND', 'Account not found')
    if (
      a.role === 'owner' &&
      !(actor.kind === 'console' || (actor.kind === 'account' && actor.role === 'owner'))
    ) {
      throw new DomainError('FORBIDDEN', 'Only the owner can change the owner account')
    }
    const losesAdmin =
      a.is_active === 1 && a.role !== 'user' && (input.is_active === false || input.role === 'user')
    if (losesAdmin && (await repo.countActiveAdminsForChange(trx)) <= 1) {
      throw new DomainError('CONFLICT', 'The last active admin cannot be demoted or deactivated')
    }
    const deactivating = input.is_active === false && a.is_active === 1
    const updated = await repo.updateAccount(trx, id, {
      ...(input.role !== undefined && { role: input.role }),
      ...(input.is_active !== undefined && { is_active: input.is_active ? 1 : 0 }),
      ...(input.display_name !== undefined && { display_name: input.display_name }),
      ...(deactivating && { token_version: a.token_version + 1 }),
      updated_at: now,
    })
    return toAccountDto(updated!)
  })
}
