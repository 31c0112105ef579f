import { z } from 'zod'
import {
  createAccountSchema,
  updateAccountSchema,
  updateSettingsSchema,
  type AccountDto,
  type NotificationDto,
  type SettingsDto,
} from '../accounts'
import type { Page } from '../dto'
import { byId, channel, none } from './channel'

/** Settings > Accounts, installation settings and the notification bell. */
export const accountChannels = {
  /** Every account (admins and the console only). */
  'accounts.list': channel(none).for('admin').returns<AccountDto[]>(),
  /** Creates an account with a first password (an invitation). The very first one becomes admin. */
  'accounts.create': channel(createAccountSchema).for('admin').returns<AccountDto>(),
  /** Role (user/admin), active flag, display name. Deactivating revokes the account's tokens. */
  'accounts.update': channel(byId.extend({ patch: updateAccountSchema }))
    .for('admin')
    .returns<AccountDto>(),
  /** Who is logged in (null for the desktop console / setup token) and whether any account exists. */
  'accounts.whoami': channel(none)
    .for('session')
    .returns<{ account: AccountDto | null; has_accounts: boolean }>(),

  'settings.get': channel(none).for('admin').returns<SettingsDto>(),
  'settings.update': channel(updateSettingsSchema).for('admin').returns<SettingsDto>(),

  'notifications.list': channel(
    z
      .object({
        unread_only: z.boolean().default(false),
        page: z.number().int().min(1).default(1),
        limit: z.number().int().min(1).max(200).default(50),
      })
      .default({ unread_only: false, page: 1, limit: 50 }),
  )
    .for('user')
    .returns<Page<NotificationDto>>(),
  'notifications.unreadCount': channel(none).for('user').returns<{ count: number }>(),
  'notifications.markRead': channel(byId).for('user').returns<{ id: string; is_read: true }>(),
  'notifications.markAllRead': channel(none).for('user').returns<{ updated: number }>(),
} as const
