import type { AccountDto } from '@shared/accounts'
import type { Account } from '../../db/schema'
import type { Actor } from '../context'

/** An expired token can still be exchanged for a new one for this long... */
export const REFRESH_GRACE_SECONDS = 7 * 24 * 3600
/** ...as long as the password was proven at most this long ago. */
export const REFRESH_MAX_AGE_SECONDS = 30 * 24 * 3600
/** The settings-table name of the installation's JWT signing key. */
export const JWT_SECRET = 'jwt_hs256'

/**
 * Where a registration comes from: the first account may only be made by the desktop
 * console or with the setup token (`X-Setup-Token`: sent and right, sent and wrong, or not sent).
 */
export type RegistrationOrigin =
  { via: 'api'; ip: string; setupToken: 'valid' | 'wrong' | 'missing' } | { via: 'console' }

export interface AuthResult {
  token: string
  user: AccountDto
}

export function toAccountDto(a: Account): AccountDto {
  return {
    id: a.id,
    email: a.email,
    display_name: a.display_name,
    role: a.role,
    is_active: a.is_active === 1,
    created_at: a.created_at,
    updated_at: a.updated_at,
    last_login_at: a.last_login_at,
  }
}

export function actorOf(a: Pick<Account, 'id' | 'role'>): Actor {
  return { kind: 'account', accountId: a.id, role: a.role }
}

export { isUniqueViolation } from '../../db/errors'
