import type { accountChannels } from '@shared/channels/accounts'
import type { HandlerDeps, HandlersFor } from './types'

/** Accounts, installation settings and notifications for the console. */
export function accountHandlers({ services: s }: HandlerDeps): HandlersFor<typeof accountChannels> {
  return {
    'accounts.list': async (_i, { actor }) => s.accounts.list(actor),
    'accounts.create': async (i, { actor }) => s.accounts.create(actor, i),
    'accounts.update': async (i, { actor }) => s.accounts.update(actor, i.id, i.patch),
    'accounts.whoami': async (_i, { actor }) => ({
      account: actor.kind === 'account' ? await s.accounts.me(actor) : null,
      has_accounts: !(await s.accounts.isEmpty()),
    }),

    'settings.get': async () => s.settings.get(),
    'settings.update': async (i, { actor }) => s.settings.update(actor, i),

    'notifications.list': async (i, { actor }) =>
      s.notifications.list(actor, { unreadOnly: i.unread_only, page: i.page, limit: i.limit }),
    'notifications.unreadCount': async (_i, { actor }) => s.notifications.unreadCount(actor),
    'notifications.markRead': async (i, { actor }) => {
      await s.notifications.markRead(actor, i.id)
      return { id: i.id, is_read: true }
    },
    'notifications.markAllRead': async (_i, { actor }) => s.notifications.markAllRead(actor),
  }
}
