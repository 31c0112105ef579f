import type { ApiKeyDto, CreatedApiKeyDto } from '../apikeys'
import { createApiKeySchema } from '../apikeys'
import { byId, channel, none } from './channel'

/** Backend API keys from the console: list, create (key and secret returned once), revoke. */
export const apiKeyChannels = {
  'apiKeys.list': channel(none).for('user').returns<ApiKeyDto[]>(),
  'apiKeys.create': channel(createApiKeySchema).for('user').returns<CreatedApiKeyDto>(),
  'apiKeys.revoke': channel(byId).for('user').returns<ApiKeyDto>(),
} as const
