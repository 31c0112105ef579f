import type { securityChannels } from '@shared/channels/security'
import type { HandlerDeps, HandlersFor } from './types'

/** The security center for the console: the same service calls as /api/security/*. */
export function securityHandlers({
  services: s,
}: HandlerDeps): HandlersFor<typeof securityChannels> {
  const sec = s.security
  return {
    'security.stats': async (_i, { actor }) => sec.stats(actor),
    'security.events': async (i, { actor }) => sec.events(actor, i),
    'security.incidents': async (i, { actor }) => sec.incidents(actor, i),
    'security.allowSource': async (i, { actor }) => sec.allowSource(actor, i),
    'security.blacklist': async (i, { actor }) => sec.listBlacklist(actor, i),
    'security.blacklistAdd': async (i, { actor }) => sec.addBlacklist(actor, i),
    'security.blacklistRemove': async (i, { actor }) => {
      await sec.removeBlacklist(actor, i.id)
      return { deleted: true }
    },
    'security.blacklistSetActive': async (i, { actor }) =>
      sec.setBlacklistActive(actor, i.id, i.is_active),
    'security.blockIp': async (i, { actor }) => sec.blockIp(actor, i),
    'security.blockHwid': async (i, { actor }) => sec.blockHwid(actor, i),
    'security.sessions': async (i, { actor }) => sec.sessions(actor, i),
    'security.revokeSession': async (i, { actor }) => sec.revokeSession(actor, i.id, i.reason),
    'security.suspendLicense': async (i, { actor }) => sec.suspendLicense(actor, i.id, i.reason),
    'security.settings': async (_i, { actor }) => sec.settings(actor),
    'security.updateSettings': async (i, { actor }) => sec.updateSettings(actor, i),
  }
}
